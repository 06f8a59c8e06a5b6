/** The GitHub Actions workflow that docs/ci-cd.md shows and docs/examples ships: one text, and it says what the doc says. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DOCS = fileURLToPath(new URL('../../../../../docs/', import.meta.url));

interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, { steps: Array<{ name?: string; run?: string; if?: string; env?: Record<string, string> }> }>;
}

describe('the CI/CD workflow', () => {
  it('is the same in docs/ci-cd.md as in docs/examples/loom-pipeline.yml', async () => {
    const shipped = await readFile(`${DOCS}examples/loom-pipeline.yml`, 'utf8');
    const page = await readFile(`${DOCS}ci-cd.md`, 'utf8');
    // A four-backtick fence: the workflow writes a three-backtick one into the job summary.
    const shown = /````yaml\n([\s\S]*?)````/.exec(page)?.[1];
    expect(shown).toBe(shipped);
  });

  it('validates, then runs and waits with the secrets, then shows the deploy status, on push only', async () => {
    const workflow = parse(await readFile(`${DOCS}examples/loom-pipeline.yml`, 'utf8')) as Workflow;
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const runs = steps.flatMap((step) => (step.run === undefined ? [] : [step]));
    const validate = runs.findIndex((step) => step.run?.startsWith('loom validate '));
    const remoteRun = runs.findIndex((step) =>
      /^loom remote run .* --server "\$LOOM_SERVER" --wait$/.test(step.run ?? ''),
    );
    const status = runs.findIndex((step) => step.run?.includes('loom remote deploy-status iris'));
    expect(validate).toBeGreaterThanOrEqual(0);
    expect(remoteRun).toBeGreaterThan(validate);
    expect(status).toBeGreaterThan(remoteRun);
    for (const step of [runs[remoteRun], runs[status]]) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions, not JavaScript templates.
      expect(step?.env).toEqual({ LOOM_SERVER: '${{ secrets.LOOM_SERVER }}', LOOM_TOKEN: '${{ secrets.LOOM_TOKEN }}' });
      expect(step?.if).toContain("github.event_name != 'pull_request'");
    }
    expect(workflow.env.PIPELINE).toBe('pipelines/iris.loom.json');
  });
});
