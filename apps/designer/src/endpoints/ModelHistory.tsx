import { formatTime, fullTime } from '../files/format-time.ts';
import { describeEvent, type ModelEvent } from './model-facts.ts';

/** A model's history, newest first: registrations, alias moves and rollbacks, removals, deletions. */
export function ModelHistory({ events }: { events: readonly ModelEvent[] }) {
  if (events.length === 0) return <div className="empty-note">Nothing has happened to this model yet.</div>;
  return (
    <ol className="model-events" data-testid="model-events">
      {events.map((event) => (
        <li key={event.id} className={`model-event event-${event.kind.replace('.', '-')}`} data-testid="model-event">
          <span className="model-event-text">{describeEvent(event)}</span>
          <span className="pick-meta" title={fullTime(event.at)}>
            {formatTime(event.at)}
            {event.by !== undefined && ` · ${event.by}`}
          </span>
        </li>
      ))}
    </ol>
  );
}
