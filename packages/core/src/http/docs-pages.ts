/** File names of the documentation UIs' assets, served from the installed npm packages. */
export const DOCS_ASSETS = {
  swaggerCss: 'swagger-ui.css',
  swaggerBundle: 'swagger-ui-bundle.js',
  redocBundle: 'redoc.standalone.js',
} as const;

/** The name of one documentation asset. */
export type DocsAssetName = (typeof DOCS_ASSETS)[keyof typeof DOCS_ASSETS];

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Swagger UI page; its init script is a separate file so a host's CSP without inline scripts still works. */
export function swaggerPage(prefix: string): string {
  const base = escapeAttr(`${prefix}/api/docs`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dango API - Swagger UI</title>
<link rel="stylesheet" href="${base}/${DOCS_ASSETS.swaggerCss}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/${DOCS_ASSETS.swaggerBundle}" charset="utf-8"></script>
<script src="${base}/swagger-init.js" charset="utf-8"></script>
</body>
</html>
`;
}

/** The script that starts Swagger UI on the document of this mount. */
export function swaggerInitScript(prefix: string): string {
  return `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(`${prefix}/api/openapi.json`)}, dom_id: '#swagger-ui', deepLinking: true });\n`;
}

/** The ReDoc page; the standalone bundle renders every `<redoc spec-url>` element by itself. */
export function redocPage(prefix: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dango API - ReDoc</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="${escapeAttr(`${prefix}/api/openapi.json`)}"></redoc>
<script src="${escapeAttr(`${prefix}/api/redoc/${DOCS_ASSETS.redocBundle}`)}" charset="utf-8"></script>
</body>
</html>
`;
}
