// $(VAR) expansion in env values, command and args (upstream third_party/forked/golang/expansion
// and container/helpers.go ExpandContainerCommandAndArgs).

/** Looks a name up; an unknown name must come back unchanged as `$(NAME)`. */
export type Mapping = (name: string) => string;

/** The first source that has the name wins; unknown names stay as written. */
export function mappingFor(...sources: ReadonlyMap<string, string>[]): Mapping {
  return (name) => {
    for (const s of sources) {
      const v = s.get(name);
      if (v !== undefined) return v;
    }
    return `$(${name})`;
  };
}

/**
 * `$(NAME)` becomes the mapped value, `$$` a literal `$` (so `$$(X)` is the text `$(X)`), and any
 * other `$` — including an unclosed `$(` — stays as written.
 */
export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close === -1) {
        out += '$(';
        i += 2;
      } else {
        out += mapping(input.slice(i + 2, close));
        i = close + 1;
      }
    } else {
      out += `$${next}`;
      i += 2;
    }
  }
  return out;
}

/** Command and args with references to the container's final environment expanded. */
export function expandCommandAndArgs(
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
  env: ReadonlyMap<string, string>,
): { command: string[]; args: string[] } {
  const mapping = mappingFor(env);
  return { command: (command ?? []).map((c) => expand(c, mapping)), args: (args ?? []).map((a) => expand(a, mapping)) };
}
