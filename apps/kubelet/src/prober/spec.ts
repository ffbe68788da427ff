// Reading a probe spec as upstream does: the API server's defaults for the timing fields, port
// resolution (number, container port name, or a number written as a string), and the
// static-only $(VAR) expansion exec probes get (ExpandContainerCommandOnlyStatic).
import type { Container, Probe } from 'kubernetes-types/core/v1';

export interface ProbeTiming {
  initialDelaySeconds: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** SetDefaults_Probe: a zero or missing field takes the default. */
export function probeTiming(p: Probe): ProbeTiming {
  return {
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    timeoutSeconds: p.timeoutSeconds || 1,
    periodSeconds: p.periodSeconds || 10,
    successThreshold: p.successThreshold || 1,
    failureThreshold: p.failureThreshold || 3,
  };
}

export type PortResolution = { port: number } | { error: string };

/** Go's strconv.Atoi: an optional sign and decimal digits only. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;
}

/** probe.ResolveContainerPort, with its error texts. */
export function resolveContainerPort(port: number | string, container: Container): PortResolution {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = container.ports?.find((p) => p.name === port);
    if (named) n = named.containerPort;
    else {
      const parsed = atoi(port);
      if (parsed === undefined) return { error: `strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax` };
      n = parsed;
    }
  }
  return n > 0 && n < 65536 ? { port: n } : { error: `invalid port number: ${n}` };
}

/** net.JoinHostPort: brackets around IPv6 literals. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Expands $(NAME) from the container's env entries that have a literal value (valueFrom entries
 * are not known to the prober); "$$" escapes a "$"; unknown names stay as written.
 */
export function expandStatic(command: readonly string[], container: Container): string[] {
  const env = new Map<string, string>();
  for (const e of container.env ?? []) if (!e.valueFrom) env.set(e.name, e.value ?? '');
  return command.map((arg) => expand(arg, env));
}

function expand(input: string, env: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i += 1;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += env.get(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += '$' + next;
      i += 2;
    }
  }
  return out;
}
