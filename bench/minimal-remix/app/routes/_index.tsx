import type { MetaFunction } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "New Remix App" }, { name: "description", content: "Welcome to Remix!" }];

const resources = [
  { href: "https://remix.run/start/quickstart", text: "Quick Start (5 min)" },
  { href: "https://remix.run/start/tutorial", text: "Tutorial (30 min)" },
  { href: "https://remix.run/docs", text: "Remix Docs" },
  { href: "https://rmx.as/discord", text: "Join Discord" },
];

export default function Index() {
  return (
    <main className="page">
      <h1>Welcome to Remix</h1>
      <nav>
        <p>What&apos;s next?</p>
        <ul>
          {resources.map(({ href, text }) => (
            <li key={href}>
              <a href={href} target="_blank" rel="noreferrer">
                {text}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </main>
  );
}
