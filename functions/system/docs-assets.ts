import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The Swagger UI files served under /docs/, with their media types. */
const assetTypes = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

export type DocsAsset = keyof typeof assetTypes | 'swagger-initializer.js';

/**
 * Where the Swagger UI files are: beside the bundle in Lambda (copied there at bundling time and
 * named by NEXUM_DOCS_ASSETS_DIR), or the installed `swagger-ui-dist` package locally.
 */
function assetsDirectory(): string {
  const configured = process.env.NEXUM_DOCS_ASSETS_DIR;
  if (configured !== undefined && configured !== '') return configured;
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** The page: no inline script, so the CSP can forbid inline code. Links are relative for stages. */
export const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Nexum API</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/swagger-initializer.js"></script>
</body>
</html>
`;

const initializer = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true });
});
`;

/** Swagger UI draws with inline styles and fetches the document from this origin. */
export const docsContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

const cache = new Map<string, Buffer>();

/** Reads one asset (cached for the life of the container). */
export async function readDocsAsset(
  asset: DocsAsset,
): Promise<{ body: Buffer | string; contentType: string }> {
  if (asset === 'swagger-initializer.js') {
    return { body: initializer, contentType: 'text/javascript; charset=utf-8' };
  }
  let body = cache.get(asset);
  if (body === undefined) {
    body = await readFile(join(assetsDirectory(), asset));
    cache.set(asset, body);
  }
  return { body, contentType: assetTypes[asset] };
}
