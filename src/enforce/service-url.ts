import { requireSecureUrl } from '../distribute/config.js';
import { ENFORCE_CODES, EnforceError } from './codes.js';

/**
 * Where an upload goes: the service `url` with `resource` joined as a path (OPA's
 * `path.Join(url, resource)`), never glued on as text. `resource: 'v1/logs'` after
 * `https://collector.example.com` would otherwise name the host `collector.example.comv1`, and the
 * service's credentials would follow the upload there.
 */
export function serviceUrl(field: string, base: unknown, resource: unknown, defaultResource: string): URL {
  let url: URL;
  try {
    url = new URL(String(base));
  } catch {
    throw configError(`${field}.url`, 'must be an http(s) url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError(`${field}.url`, 'must be an http(s) url');
  if (resource !== undefined && (typeof resource !== 'string' || resource === '' || /[?#]/.test(resource))) throw configError(`${field}.resource`, 'must be a path such as `/logs`');
  const origin = url.origin;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${(resource ?? defaultResource).replace(/^\/+/, '')}`;
  // Setting the path cannot change the host; the check keeps it so whatever the parser does.
  if (url.origin !== origin) throw configError(`${field}.resource`, `must stay on the service's origin \`${origin}\``);
  requireSecureUrl(`${field}.url`, url);
  return url;
}

function configError(field: string, problem: string): EnforceError {
  return new EnforceError(ENFORCE_CODES.invalidConfig, `\`${field}\` ${problem}`);
}
