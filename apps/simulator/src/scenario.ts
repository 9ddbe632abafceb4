import { readFileSync } from 'node:fs';
import { ScenarioFileSchema, type IncidentRequest, type ScenarioFile } from '@ct/contracts';
import { SimulatorError, issueViews } from './errors';
import type { IncidentView, Simulator } from './simulator';

/** Reads and validates a scenario file; a readable SimulatorError when it is not valid. */
export function loadScenario(path: string): ScenarioFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SimulatorError(
      'CT_ERR_SIM_BAD_SCENARIO',
      `scenario ${path}: ${(err as Error).message}`,
    );
  }
  return parseScenario(raw, path);
}

export function parseScenario(raw: unknown, name = 'scenario'): ScenarioFile {
  const r = ScenarioFileSchema.safeParse(raw);
  if (!r.success) {
    const issues = issueViews(r.error.issues);
    const lines = issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new SimulatorError(
      'CT_ERR_SIM_BAD_SCENARIO',
      `${name} is not valid:\n${lines.join('\n')}`,
      issues,
    );
  }
  return r.data;
}

/**
 * Adds a scenario's incidents. `at_s` counts from `startMs` (the simulator's start); an incident
 * without `at_s` or `start` begins at `startMs`.
 */
export function applyScenario(
  sim: Simulator,
  scenario: ScenarioFile,
  startMs: number,
  nowMs: number,
): IncidentView[] {
  return scenario.incidents.map((item, i) => {
    const at = 'incident' in item ? startMs + item.at_s * 1000 : undefined;
    const req: IncidentRequest = 'incident' in item ? item.incident : item;
    try {
      return sim.addIncident(req, nowMs, at ?? (req.start === undefined ? startMs : undefined));
    } catch (err) {
      if (err instanceof SimulatorError) {
        throw new SimulatorError(
          'CT_ERR_SIM_BAD_SCENARIO',
          `scenario incident ${i}: ${err.message}`,
        );
      }
      throw err;
    }
  });
}
