/**
 * html-to-text ships no types. It is installed with @react-email/render, which converts the text
 * part of emails with it; we only call compile(), to convert with options compiled once.
 */
declare module "html-to-text" {
  export type SelectorDefinition = { selector: string; format?: string; options?: Record<string, unknown> };
  export type HtmlToTextOptions = { wordwrap?: number | false; selectors?: SelectorDefinition[] } & Record<string, unknown>;
  export function compile(options?: HtmlToTextOptions): (html: string) => string;
  export function convert(html: string, options?: HtmlToTextOptions): string;
}
