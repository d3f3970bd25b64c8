// The configuration `npm run deploy` hands to wrangler: each Worker's committed wrangler.jsonc with
// the account's real D1 database id, written beside it as <worker>/wrangler.deploy.json
// (git-ignored, so relative paths hold). Why not edit the committed files: the local runtime and
// the tests key the local D1 database by that id (test-fixtures/fabric-project.ts pins it), so a
// deploy that rewrote it would leave `npm run dev` on a fresh empty database and break `npm test`.

/** Where the deploy configuration of `worker` is written. */
export function deployConfigPath(worker) {
  return `${worker}/wrangler.deploy.json`;
}

/**
 * Parses JSONC (JSON with // and /* *\/ comments and trailing commas), as wrangler reads its config.
 *
 * @example readJsonc('{ "a": 1, // one\n }') // { a: 1 }
 */
export function readJsonc(text) {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
      if (i === 0) throw new Error("unterminated /* comment");
    } else if (c === "}" || c === "]") {
      // A trailing comma before the closing bracket: drop it (outside strings only).
      out = out.replace(/,(\s*)$/, "$1") + c;
    } else out += c;
  }
  return JSON.parse(out);
}

/**
 * A Worker's deploy configuration from its committed wrangler.jsonc text: every D1 binding pointed
 * at `databaseId`, nothing else changed.
 *
 * @example deployConfig(readFileSync("matcher/wrangler.jsonc", "utf8"), "4f1c…")
 */
export function deployConfig(text, databaseId) {
  const config = readJsonc(text);
  for (const db of config.d1_databases ?? []) db.database_id = databaseId;
  return config;
}
