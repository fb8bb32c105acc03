import { checkHealth } from '@shared/application/check-health';
import type { Dependencies } from '@shared/application/ports';
import type { GroupImplementations } from '@shared/http/http-handler';
import { buildOpenApiDocument } from '@shared/http/openapi';
import { docsContentSecurityPolicy, docsPage, readDocsAsset } from './docs-assets';

const pageHeaders = { 'Content-Security-Policy': docsContentSecurityPolicy };

/** The system group's routes: health, the OpenAPI document and its Swagger UI. */
export function systemRoutes(
  deps: Pick<Dependencies, 'system' | 'settings' | 'logger'>,
): GroupImplementations<'system'> {
  // Generated on first use per base path and kept for the life of the container.
  const openApiDocuments = new Map<string, string>();

  return {
    getHealth: async () => {
      const report = await checkHealth(deps);
      return { body: report, status: report.status === 'ok' ? 200 : 503 };
    },
    getOpenApiDocument: async ({ basePath }) => {
      let document = openApiDocuments.get(basePath);
      if (document === undefined) {
        const serverUrl = basePath === '' ? '/' : basePath;
        document = JSON.stringify(
          buildOpenApiDocument({ version: deps.settings.version, serverUrl }),
        );
        openApiDocuments.set(basePath, document);
      }
      return { body: document };
    },
    getApiDocs: async () => ({ body: docsPage, headers: pageHeaders }),
    getApiDocsAsset: async ({ params }) => {
      const asset = await readDocsAsset(params.asset);
      return {
        body: asset.body,
        headers: { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=86400' },
      };
    },
  };
}
