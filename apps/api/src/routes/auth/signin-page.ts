/** HTML-escapes text for an element or a double-quoted attribute. */
function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
  body { margin: 0; min-height: 100vh; display: grid; place-items: center;
    font: 16px/1.5 system-ui, sans-serif; background: #d9d9d9; color: #1a1a1a; }
  main { background: #f2f2f2; padding: 2rem 2.5rem; border: 1px solid #b3b3b3; width: 20rem; }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  label { display: block; margin: 0.75rem 0 0.25rem; }
  input { width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit;
    border: 1px solid #808080; background: #fff; }
  button { margin-top: 1.25rem; width: 100%; padding: 0.6rem; font: inherit; font-weight: 600;
    border: 1px solid #404040; background: #404040; color: #fff; cursor: pointer; }
  p.error { color: #8b0000; background: #f8e0e0; border: 1px solid #8b0000; padding: 0.5rem; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - ComplexTwin</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** The sign-in page (no script): a form posting to /signin, then back to `next`. */
export function signinPage(next: string, error: string | null): string {
  return page(
    'Sign in',
    `<h1>ComplexTwin: sign in</h1>
${error ? `<p class="error" role="alert" data-testid="signin-error">${esc(error)}</p>` : ''}
<form method="post" action="/signin">
  <input type="hidden" name="next" value="${esc(next)}">
  <label for="username">User name</label>
  <input id="username" name="username" autocomplete="username" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>`,
  );
}

/** A short message page (an invalid display link). */
export function signedInPage(message: string): string {
  return page(
    'ComplexTwin',
    `<h1>ComplexTwin</h1><p class="error" role="alert">${esc(message)}</p>`,
  );
}
