import { plainTextSelectors as defaultSelectors, render } from "@react-email/render";
import { compile } from "html-to-text";
import { createElement, Fragment, type ReactElement, type ReactNode } from "react";
import { plainTextSelectors } from "./parts";

/**
 * What render({ plainText: true, htmlToTextOptions: { selectors } }) does (@react-email/render's
 * toPlainText), compiled once: html-to-text compiles its options on every convert() otherwise,
 * which cost more than the render itself when sending thousands of emails.
 */
const toPlainText = compile({ wordwrap: false, selectors: [...defaultSelectors, ...plainTextSelectors] });

export type RenderedEmail = { html: string; text: string };

/** React Email's render, then the text part converted from that HTML, as render({ plainText }) would after a second render. */
export async function renderDirect(element: ReactElement): Promise<RenderedEmail> {
  const html = await render(element);
  return { html, text: toPlainText(html) };
}

/*
 * Rendering an email through React and converting it to text costs milliseconds; the outbox sends
 * thousands at the provider's pace. So the tree is resolved down to its HTML elements (our
 * components and React Email's are plain functions of their props), and everything that does not
 * depend on the words (elements, attributes, styles, which texts sit where) is its shape. Each shape
 * is rendered once, with a numbered marker in place of every text and link, to HTML and text; a
 * message fills the markers with its own values, escaped as React escapes them in the HTML, with
 * its whitespace as html-to-text leaves it in the text. The words (plurals, amounts, dates) are
 * computed from the real props before any marker goes in; lists and optional sections change the
 * elements, hence the shape. The test holds every template to the direct render.
 */

const START = "\uE000";
const END = "\uE001";
const MARKER = /\uE000(\d+)\uE001/g;
/** html-to-text's whitespace: runs collapse to one space inside a block, and go at its edges. */
const LEADING_SPACE = /^[ \t\n\r\f\u200b]+/;
const TRAILING_SPACE = /[ \t\n\r\f\u200b]+$/;
const SPACE_RUN = /[ \t\n\r\f\u200b]+/g;
const ANY_SPACE = /[ \t\n\r\f\u200b]/;
/** Elements whose text React or html-to-text do not treat as ordinary text: rendered as they are. */
const VERBATIM = new Set(["style", "script", "title", "textarea", "noscript", "pre", "option", "template"]);
const ELEMENTS = new Set<symbol | undefined>([Symbol.for("react.element"), Symbol.for("react.transitional.element")]);
const FORWARD_REF = Symbol.for("react.forward_ref");
const MEMO = Symbol.for("react.memo");

type Value = { text: string; kind: "text" | "href" };
type Resolved = string | { marker: number; lead: string; trail: string } | { type: string; props: Record<string, unknown>; children: Resolved[] };
type Compiled = { html: string[]; htmlMarkers: number[]; text: string[]; textMarkers: number[] };

/** Thrown while resolving a tree the fill cannot reproduce exactly: such a message is rendered by React. */
class Unsupported extends Error {}

/** Text React writes as it is and the fill can put back: no NUL (the stream drops it), no lone surrogate, no marker. */
const UNFILLABLE = /[\0\uE000\uE001]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function fillable(text: string): boolean {
  return !UNFILLABLE.test(text);
}

/** Styles are mostly the same few objects (ours are module constants, never changed): each is serialised once. */
const styleKeys = new WeakMap<object, string>();
function styleKey(value: object): string {
  let key = styleKeys.get(value);
  if (key === undefined) {
    key = JSON.stringify(value);
    styleKeys.set(value, key);
  }
  return key;
}

function resolveTree(node: ReactNode) {
  const values: Value[] = [];
  const shape: string[] = [];

  function visit(node: ReactNode, out: Resolved[], verbatim: boolean): void {
    if (node === null || node === undefined || typeof node === "boolean") return;
    if (typeof node === "string" || typeof node === "number" || typeof node === "bigint") {
      const text = String(node);
      if (!fillable(text)) throw new Unsupported("text the fill cannot reproduce");
      const lead = LEADING_SPACE.exec(text)?.[0] ?? "";
      const core = text.slice(lead.length).replace(TRAILING_SPACE, "");
      if (verbatim || core === "") {
        out.push(text);
        shape.push(JSON.stringify(text));
        return;
      }
      const trail = text.slice(lead.length + core.length);
      out.push({ marker: values.length, lead, trail });
      values.push({ text: core, kind: "text" });
      shape.push(`#${JSON.stringify(lead)}${JSON.stringify(trail)}`);
      return;
    }
    if (Array.isArray(node)) {
      for (const child of node) visit(child as ReactNode, out, verbatim);
      return;
    }
    if (typeof node !== "object" || !ELEMENTS.has((node as { $$typeof?: symbol }).$$typeof)) throw new Unsupported("a node that is not an element");
    const element = node as ReactElement<Record<string, unknown>>;
    const { type } = element;
    const props = element.props;
    if (type === Fragment) return visit(props.children as ReactNode, out, verbatim);
    if (typeof type === "function") {
      if ((type as { prototype?: { isReactComponent?: unknown } }).prototype?.isReactComponent) throw new Unsupported("a class component");
      return visit((type as (p: unknown) => ReactNode)(props), out, verbatim);
    }
    if (typeof type === "object" && type !== null) {
      const exotic = type as { $$typeof?: symbol; render?: (p: unknown, ref: null) => ReactNode; type?: unknown };
      if (exotic.$$typeof === FORWARD_REF && exotic.render) return visit(exotic.render(props, null), out, verbatim);
      if (exotic.$$typeof === MEMO) return visit(createElement(exotic.type as never, props), out, verbatim);
      throw new Unsupported("a context, a portal or a lazy component");
    }
    if (typeof type !== "string") throw new Unsupported("an element type the fill does not know");
    hostElement(type, props, out, verbatim);
  }

  function hostElement(type: string, props: Record<string, unknown>, out: Resolved[], verbatim: boolean) {
    const attributes: Record<string, unknown> = {};
    let key = `<${type}`;
    let hrefMarker: number | null = null;
    for (const name in props) {
      if (name === "children") continue;
      let value = props[name];
      if (typeof value === "function" || typeof value === "symbol") throw new Unsupported("an attribute that is not data");
      // A link's address is filled like a text; one that html-to-text rewrites (mailto:, #, relative) stays in the shape.
      if (name === "href" && type === "a" && typeof value === "string" && /^https?:\/\//i.test(value) && !ANY_SPACE.test(value) && fillable(value)) {
        hrefMarker = values.length;
        values.push({ text: value, kind: "href" });
        value = `${START}${hrefMarker}${END}`;
      }
      attributes[name] = value;
      key += ` ${name}=${typeof value === "object" && value !== null ? styleKey(value) : JSON.stringify(value)}`;
    }
    shape.push(`${key}>`);
    const inner: Resolved[] = [];
    visit(props.children as ReactNode, inner, verbatim || VERBATIM.has(type));
    shape.push(`</${type}>`);
    const href = props.href;
    if (type === "a" && typeof href === "string") {
      // html-to-text leaves out an address its link's words already spell; a marker never spells one.
      const words = wordsOf(inner).replace(SPACE_RUN, "");
      if (words === href || words === href.replace(/^mailto:/, "")) throw new Unsupported("a link whose text is its address");
    }
    out.push({ type, props: attributes, children: inner });
  }

  function wordsOf(nodes: Resolved[]): string {
    return nodes.map((node) => (typeof node === "string" ? node : "marker" in node ? values[node.marker]!.text : wordsOf(node.children))).join("");
  }

  const root: Resolved[] = [];
  visit(node, root, false);
  return { root, values, shape: shape.join("") };
}

function toElement(node: Resolved): ReactNode {
  if (typeof node === "string") return node;
  if ("marker" in node) return `${node.lead}${START}${node.marker}${END}${node.trail}`;
  return createElement(node.type, node.props, ...node.children.map(toElement));
}

/** Splits a rendered part at its markers: the text between them, and which value goes in each gap. */
function split(rendered: string): { parts: string[]; markers: number[] } {
  const parts: string[] = [];
  const markers: number[] = [];
  let last = 0;
  for (const match of rendered.matchAll(MARKER)) {
    parts.push(rendered.slice(last, match.index));
    markers.push(Number(match[1]));
    last = match.index + match[0].length;
  }
  parts.push(rendered.slice(last));
  return { parts, markers };
}

async function compileShape(root: Resolved[], count: number): Promise<Compiled | null> {
  const { html } = await renderDirect(createElement(Fragment, null, ...root.map(toElement)));
  const htmlParts = split(html);
  const textParts = split(toPlainText(html));
  // Every marker exactly once in the HTML, at most once in the text (skipped parts drop some).
  const once = (markers: number[]) => new Set(markers).size === markers.length && markers.every((marker) => marker < count);
  if (htmlParts.markers.length !== count || !once(htmlParts.markers) || !once(textParts.markers)) return null;
  return { html: htmlParts.parts, htmlMarkers: htmlParts.markers, text: textParts.parts, textMarkers: textParts.markers };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };

/** React's escapeTextForBrowser, for texts and attributes alike. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

function fill(parts: string[], markers: number[], value: (index: number) => string): string {
  let out = parts[0]!;
  for (let i = 0; i < markers.length; i++) out += value(markers[i]!) + parts[i + 1]!;
  return out;
}

/**
 * Shapes seen so far, the oldest dropped beyond the limit: templates × locales × list lengths × which
 * lines each invoice shows, so a few dozen in a morning's run; each holds about 20 kB.
 */
const shapes = new Map<string, Promise<Compiled | null>>();
const MAX_SHAPES = 500;

/** Counts for the benchmark and the tests: shapes rendered through React, messages filled from them, messages rendered directly. */
export const renderStats = { shapes: 0, filled: 0, direct: 0 };

/** The same HTML and text as renderDirect, from the shape's cached render when there is one. */
export async function renderEmailElement(element: ReactElement): Promise<RenderedEmail> {
  let resolved: ReturnType<typeof resolveTree>;
  try {
    resolved = resolveTree(element);
  } catch {
    // What the fill cannot reproduce, or a template that fails: React renders it (and throws what it throws).
    renderStats.direct += 1;
    return renderDirect(element);
  }
  let compiled = shapes.get(resolved.shape);
  if (!compiled) {
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
    renderStats.shapes += 1;
    compiled = compileShape(resolved.root, resolved.values.length).catch(() => null);
    shapes.set(resolved.shape, compiled);
  }
  const ready = await compiled;
  if (!ready) {
    renderStats.direct += 1;
    return renderDirect(element);
  }
  renderStats.filled += 1;
  const { values } = resolved;
  return {
    html: fill(ready.html, ready.htmlMarkers, (index) => escapeHtml(values[index]!.text)),
    text: fill(ready.text, ready.textMarkers, (index) => {
      const value = values[index]!;
      return value.kind === "href" ? value.text : value.text.replace(SPACE_RUN, " ");
    }),
  };
}
