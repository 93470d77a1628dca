/**
 * Templates for log lines: a documented subset of Go's text/template (what
 * stern users write), compiled once into a fast renderer.
 *
 * May import `lib/parse/`, `lib/render/` (time layouts, colours),
 * `lib/time/` and `lib/types.ts`; uses no Deno API.
 *
 * @module
 */
export { compileTemplate, type Template, type TemplateRenderOptions } from "./compile_template.ts";
export { TemplateSyntaxError } from "./template_syntax_error.ts";
export { goSprintf } from "./go_sprintf.ts";
