import { useEffect, useState } from "react";

/**
 * Copies a value to the clipboard. Rendered only once the page is interactive: without JavaScript
 * the value beside it stays plain, selectable text and no dead button is shown.
 */
export function CopyButton({ value, label, text, copiedText }: { value: string; label: string; text: string; copiedText: string }) {
  const [ready, setReady] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setReady(true), []);
  if (!ready) return null;
  return (
    <>
      <button
        type="button"
        className="button secondary copy"
        aria-label={label}
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => setCopied(true));
        }}
      >
        {text}
      </button>
      <span role="status" className="muted">
        {copied ? copiedText : ""}
      </span>
    </>
  );
}
