// The pull policy a container gets when it names none: Always for `:latest` or an image with
// neither tag nor digest (the runtime would pull `latest`), IfNotPresent otherwise — including a
// reference that does not parse, which upstream leaves for validation to reject.

const DOMAIN_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** The tag a reference pulls: its own, `latest` when it has neither tag nor digest, '' otherwise. */
export function imageTag(image: string): string {
  const m = REFERENCE.exec(image);
  if (!m || (m[1]?.length ?? 0) > 255) return '';
  const [, , tag, digest] = m;
  if (tag) return tag;
  return digest ? '' : 'latest';
}

export const defaultPullPolicy = (image: unknown): 'Always' | 'IfNotPresent' =>
  typeof image === 'string' && imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
