// `k8ts why POD`: asks the running scheduler why it put a pod where it did (or why it could not):
// every node's filter verdict and each score plugin's normalized score in its last cycle.
import { readState, statePaths } from './state.ts';

export interface WhyDeps {
  out: (line: string) => void;
  fetch?: typeof fetch;
}

export async function why(stateDir: string, namespace: string, pod: string, deps: WhyDeps): Promise<number> {
  const paths = statePaths(stateDir);
  const state = await readState(paths);
  const scheduler = state?.components.find((c) => c.name === 'scheduler');
  if (!scheduler) {
    deps.out(`✗ no scheduler is running from ${paths.root} (start one with \`k8ts up\`)`);
    return 1;
  }
  const url = `http://127.0.0.1:${scheduler.port}/debug/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}?format=text`;
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(url);
  } catch (err) {
    deps.out(`✗ the scheduler does not answer on ${url}: ${(err as Error).message}`);
    return 1;
  }
  const body = await res.text();
  if (!res.ok) {
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch { /* plain text */ }
    deps.out(`✗ ${message.trim()}`);
    return 1;
  }
  for (const line of body.replace(/\n$/, '').split('\n')) deps.out(line);
  return 0;
}
