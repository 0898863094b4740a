/**
 * What the bundles carry instead of functions/render/template-files.ts (esbuild alias,
 * infra/constructs/function.ts). A bundle's templates/ holds the registry file written and checked
 * when the bundle was built (infra/constructs/templates.ts), so the functions never read the template
 * folders themselves, and no template schema is built at their cold start. This throws if one does:
 * TEMPLATES_DIR pointing at a templates/ that was not prepared for the bundles.
 */
export class TemplateConfigError extends Error {}

export function readTemplateFolders(dir) {
  throw new TemplateConfigError(
    `${dir} has no registry.json: a bundle reads the templates prepared when it was built (bundledTemplatesDir), not the source folders`,
  );
}

export function monogramOf() {
  throw new TemplateConfigError('monogramOf runs when templates are prepared, not in a bundle');
}
