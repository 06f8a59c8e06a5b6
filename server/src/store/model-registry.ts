import type Database from 'better-sqlite3';
import { checkAlias, checkModelName } from './model-names.ts';
import { ModelRegistryError } from './model-registry-error.ts';
import {
  type ModelEventRow,
  type ModelSummaryRow,
  toEndpoint,
  toModelAlias,
  toModelEvent,
  toModelVersion,
} from './model-rows.ts';
import { prepareModelStatements } from './model-statements.ts';
import type {
  AliasMove,
  Endpoint,
  EndpointSettings,
  ModelEvent,
  ModelEventKind,
  ModelSummary,
  ModelVersion,
  NewModelVersion,
  RegisteredModelVersion,
  TrafficShare,
} from './store-types.ts';

interface EventFields {
  alias?: string;
  fromVersion?: number | null | undefined;
  toVersion?: number | null | undefined;
  rollbackOf?: number;
  by?: string | undefined;
}

/**
 * The model registry's half of {@link LoomStore}: named models with numbered versions, aliases that
 * point at versions, the history of every change, and the endpoint of each model. Every change is one
 * IMMEDIATE transaction (the write lock is taken before anything is read), so a server and a `loom run`
 * registering or moving at once take turns and never both act on what they read before the other wrote.
 * Refusals throw {@link ModelRegistryError}; lookups of something absent answer undefined.
 */
export class ModelRegistry {
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #sql;

  constructor(db: Database.Database, now: () => Date) {
    this.#db = db;
    this.#now = now;
    this.#sql = prepareModelStatements(db);
  }

  registerModelVersion(input: NewModelVersion): RegisteredModelVersion {
    checkModelName(input.model);
    return this.#db
      .transaction((): RegisteredModelVersion => {
        const existing = this.#sql.versionBySha.get(input.model, input.onnxSha256);
        if (existing !== undefined) return { version: this.#withAliases(existing), created: false };
        const at = this.#at();
        let model = this.#sql.model.get(input.model);
        if (model === undefined) {
          this.#sql.insertModel.run(input.model, input.description ?? '', at);
          model = { name: input.model, description: input.description ?? '', last_version: 0, created_at: at };
        }
        const version = model.last_version + 1;
        this.#sql.bumpLastVersion.run(version, input.model);
        this.#sql.insertVersion.run({
          model: input.model,
          version,
          onnxSha256: input.onnxSha256,
          onnxSize: input.onnxSize,
          inputs: JSON.stringify(input.inputs),
          outputs: JSON.stringify(input.outputs),
          task: input.task,
          label: input.label,
          labelKind: input.labelKind,
          classes: input.classes === undefined ? null : JSON.stringify(input.classes),
          trainedBy: input.trainedBy,
          lineage: input.lineage == null ? null : JSON.stringify(input.lineage),
          metrics: input.metrics == null ? null : JSON.stringify(input.metrics),
          provenance: JSON.stringify({
            pipelineId: input.provenance?.pipelineId ?? null,
            pipelineVersion: input.provenance?.pipelineVersion ?? null,
            runId: input.provenance?.runId ?? null,
            stepId: input.provenance?.stepId ?? null,
          }),
          createdAt: at,
        });
        if (input.baseline != null) this.#sql.setBaseline.run(JSON.stringify(input.baseline), input.model, version);
        this.#record(input.model, 'version.registered', at, { toVersion: version, by: input.by });
        const stored = this.#sql.version.get(input.model, version);
        if (stored === undefined)
          throw new Error(`version ${version} of model "${input.model}" vanished as it was stored`);
        return { version: toModelVersion(stored, []), created: true };
      })
      .immediate();
  }

  listModels(): ModelSummary[] {
    return this.#sql.listModels.all().map((row) => this.#summary(row));
  }

  getModel(name: string): ModelSummary | undefined {
    const row = this.#sql.modelSummary.get(name);
    return row === undefined ? undefined : this.#summary(row);
  }

  listModelVersions(name: string): ModelVersion[] | undefined {
    if (this.#sql.model.get(name) === undefined) return undefined;
    return this.#sql.listVersions.all(name).map((row) => this.#withAliases(row));
  }

  getModelVersion(name: string, version: number): ModelVersion | undefined {
    const row = this.#sql.version.get(name, version);
    return row === undefined ? undefined : this.#withAliases(row);
  }

  /** The training baseline of a version; undefined when the version does not exist or has none. */
  getModelBaseline(name: string, version: number): Record<string, unknown> | undefined {
    const text = this.#sql.baseline.get(name, version);
    return text === undefined || text === null ? undefined : JSON.parse(text);
  }

  setAlias(name: string, alias: string, version: number, by?: string): AliasMove {
    checkAlias(alias);
    return this.#db
      .transaction((): AliasMove => {
        this.#requireVersion(name, version);
        const current = this.#sql.alias.get(name, alias);
        if (current?.version === version) {
          return { alias, version, previousVersion: version, moved: false, updatedAt: current.updated_at };
        }
        const at = this.#at();
        this.#sql.upsertAlias.run(name, alias, version, at);
        this.#record(name, 'alias.moved', at, { alias, fromVersion: current?.version, toVersion: version, by });
        return { alias, version, previousVersion: current?.version ?? null, moved: true, updatedAt: at };
      })
      .immediate();
  }

  removeAlias(name: string, alias: string, by?: string): void {
    this.#db
      .transaction(() => {
        const current = this.#requireAlias(name, alias);
        const endpoint = this.#sql.endpoint.get(name);
        if (endpoint?.alias === alias) {
          throw new ModelRegistryError(
            'conflict',
            `alias "${alias}" of model "${name}" is served by the model's endpoint: point the endpoint at another alias or remove it first`,
          );
        }
        const at = this.#at();
        this.#sql.deleteAlias.run(name, alias);
        this.#record(name, 'alias.removed', at, { alias, fromVersion: current.version, by });
      })
      .immediate();
  }

  deleteModelVersion(name: string, version: number, by?: string): void {
    this.#db
      .transaction(() => {
        this.#requireVersion(name, version);
        const users = this.#sql.aliasesOfModel
          .all(name)
          .filter((row) => row.version === version)
          .map((row) => `alias "${row.alias}" points at it`);
        const share = this.#sql.endpoint.get(name)?.traffic;
        const routed =
          share === undefined ? undefined : (JSON.parse(share) as TrafficShare[]).find((s) => s.version === version);
        if (routed !== undefined) users.push(`the model's endpoint sends ${routed.percent}% of its requests to it`);
        if (users.length > 0) {
          throw new ModelRegistryError(
            'conflict',
            `version ${version} of model "${name}" is in use: ${users.join('; ')}. Move the alias or change the endpoint first`,
          );
        }
        const at = this.#at();
        this.#sql.deleteVersion.run(name, version);
        this.#record(name, 'version.deleted', at, { fromVersion: version, by });
      })
      .immediate();
  }

  listModelEvents(name: string): ModelEvent[] | undefined {
    if (this.#sql.model.get(name) === undefined) return undefined;
    return this.#sql.eventsOfModel.all(name).map(toModelEvent);
  }

  rollback(name: string, alias: string, by?: string): AliasMove {
    return this.#db
      .transaction((): AliasMove => {
        const current = this.#requireAlias(name, alias);
        const last = this.#aliasMoves(name, alias).at(-1);
        if (last === undefined || last.from_version === null) {
          throw new ModelRegistryError(
            'conflict',
            `alias "${alias}" of model "${name}" has no earlier version to roll back to (it has pointed at version ${current.version} since it was set)`,
          );
        }
        const target = last.from_version;
        if (this.#sql.versionExists.get(name, target) === undefined) {
          throw new ModelRegistryError(
            'conflict',
            `cannot roll alias "${alias}" of model "${name}" back: its previous version ${target} has been deleted`,
          );
        }
        const at = this.#at();
        this.#sql.upsertAlias.run(name, alias, target, at);
        this.#record(name, 'alias.moved', at, {
          alias,
          fromVersion: current.version,
          toVersion: target,
          rollbackOf: last.id,
          by,
        });
        // A rollback is meant to stop the version rolled back from serving: a canary split on the
        // endpoint that serves this alias goes too, so every request goes to the version rolled back to.
        if (this.#sql.endpoint.get(name)?.alias === alias) this.#sql.setEndpointTraffic.run('[]', at, name);
        return { alias, version: target, previousVersion: current.version, moved: true, updatedAt: at };
      })
      .immediate();
  }

  setEndpoint(model: string, settings: EndpointSettings): Endpoint {
    return this.#db
      .transaction((): Endpoint => {
        if (this.#sql.model.get(model) === undefined) throw notFound(`no model "${model}"`);
        checkAlias(settings.alias, '/alias');
        if (this.#sql.alias.get(model, settings.alias) === undefined) {
          throw new ModelRegistryError('invalid', `model "${model}" has no alias "${settings.alias}"`, '/alias');
        }
        const traffic = settings.traffic ?? [];
        this.#checkTraffic(model, traffic);
        this.#sql.upsertEndpoint.run(model, settings.alias, JSON.stringify(traffic), this.#at());
        const stored = this.#sql.endpoint.get(model);
        if (stored === undefined) throw new Error(`the endpoint of model "${model}" vanished as it was stored`);
        return toEndpoint(stored);
      })
      .immediate();
  }

  getEndpoint(model: string): Endpoint | undefined {
    const row = this.#sql.endpoint.get(model);
    return row === undefined ? undefined : toEndpoint(row);
  }

  listEndpoints(): Endpoint[] {
    return this.#sql.listEndpoints.all().map(toEndpoint);
  }

  removeEndpoint(model: string): boolean {
    return this.#sql.deleteEndpoint.run(model).changes > 0;
  }

  servingRevision(): string {
    return this.#sql.servingRevision.get() as string;
  }

  #checkTraffic(model: string, traffic: readonly TrafficShare[]): void {
    const seen = new Set<number>();
    let total = 0;
    traffic.forEach(({ version, percent }, index) => {
      const at = `/traffic/${index}`;
      if (!Number.isInteger(version) || version < 1) {
        throw new ModelRegistryError(
          'invalid',
          `traffic share ${index}: version must be an integer from 1`,
          `${at}/version`,
        );
      }
      if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
        throw new ModelRegistryError(
          'invalid',
          `traffic share ${index}: percent must be an integer from 0 to 100`,
          `${at}/percent`,
        );
      }
      if (seen.has(version)) {
        throw new ModelRegistryError('invalid', `traffic names version ${version} twice`, `${at}/version`);
      }
      if (this.#sql.versionExists.get(model, version) === undefined) {
        throw new ModelRegistryError(
          'invalid',
          `traffic share ${index}: model "${model}" has no version ${version}`,
          `${at}/version`,
        );
      }
      seen.add(version);
      total += percent;
    });
    if (traffic.length > 0 && total !== 100) {
      throw new ModelRegistryError('invalid', `the traffic shares sum to ${total}%, not 100%`, '/traffic');
    }
  }

  /**
   * The moves that made the alias what it is now, oldest first: since it was last removed, leaving out
   * each rollback together with the move it undid, so the last entry's `from_version` is where a
   * rollback goes and a second rollback goes one further back.
   */
  #aliasMoves(name: string, alias: string): ModelEventRow[] {
    const moves: ModelEventRow[] = [];
    for (const event of this.#sql.aliasHistory.all(name, alias)) {
      if (event.kind === 'alias.removed') moves.length = 0;
      else if (event.rollback_of === null) moves.push(event);
      else {
        const undone = moves.findIndex((move) => move.id === event.rollback_of);
        if (undone >= 0) moves.length = undone;
      }
    }
    return moves;
  }

  #requireVersion(name: string, version: number): void {
    if (this.#sql.model.get(name) === undefined) throw notFound(`no model "${name}"`);
    if (this.#sql.versionExists.get(name, version) === undefined) {
      throw notFound(`model "${name}" has no version ${version}`);
    }
  }

  #requireAlias(name: string, alias: string) {
    if (this.#sql.model.get(name) === undefined) throw notFound(`no model "${name}"`);
    const current = this.#sql.alias.get(name, alias);
    if (current === undefined) throw notFound(`model "${name}" has no alias "${alias}"`);
    return current;
  }

  #withAliases(row: Parameters<typeof toModelVersion>[0]): ModelVersion {
    const aliases = this.#sql.aliasesOfModel
      .all(row.model)
      .filter((alias) => alias.version === row.version)
      .map((alias) => alias.alias);
    return toModelVersion(row, aliases);
  }

  #summary(row: ModelSummaryRow): ModelSummary {
    return {
      name: row.name,
      description: row.description,
      createdAt: row.created_at,
      latestVersion: row.latest_version,
      versionCount: row.version_count,
      aliases: this.#sql.aliasesOfModel.all(row.name).map(toModelAlias),
    };
  }

  #record(model: string, kind: ModelEventKind, at: string, fields: EventFields): void {
    this.#sql.insertEvent.run({
      model,
      kind,
      alias: fields.alias ?? null,
      fromVersion: fields.fromVersion ?? null,
      toVersion: fields.toVersion ?? null,
      rollbackOf: fields.rollbackOf ?? null,
      at,
      by: fields.by ?? null,
    });
  }

  #at(): string {
    return this.#now().toISOString();
  }
}

const notFound = (message: string) => new ModelRegistryError('not-found', message);
