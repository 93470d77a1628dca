/**
 * Signing in from the page: `GET /ui/session` says whether the server wants
 * credentials and which; a token is sent once (in the `Authorization` header
 * of a POST to `/ui/session`), which answers with an `HttpOnly` cookie the
 * page never sees. Basic auth is the browser's own prompt.
 *
 * @module
 */

/** What `GET /ui/session` answers. */
export interface SessionInfo {
  readonly methods: readonly string[];
  readonly signedIn: boolean;
  /** Signed in by the session cookie (a sign-out is offered). */
  readonly cookie: boolean;
  /** The namespaces served (`null`: all); known only once signed in. */
  readonly namespaces: readonly string[] | null;
}

/** The sign-in panel's elements. */
export interface SignInElements {
  readonly panel: HTMLElement;
  readonly form: HTMLFormElement;
  readonly token: HTMLInputElement;
  readonly error: HTMLElement;
  readonly basicNote: HTMLElement;
  readonly signOut: HTMLButtonElement;
}

/** Asks the server about the session. */
export async function fetchSession(url: URL): Promise<SessionInfo> {
  const response = await fetch(url, {
    headers: { accept: "application/json" },
  });
  if (!response.ok) {
    throw new Error(`${url.pathname} answered ${response.status}`);
  }
  const body = await response.json();
  return {
    methods: Array.isArray(body.methods) ? body.methods.map(String) : [],
    signedIn: body.signedIn === true,
    cookie: body.cookie === true,
    namespaces: Array.isArray(body.namespaces) ? body.namespaces.map(String) : null,
  };
}

/** The sign-in panel. */
export class SignIn {
  readonly #elements: SignInElements;
  readonly #url: URL;

  /** `onSignedIn` runs after a successful sign-in or sign-out (the page starts again). */
  constructor(elements: SignInElements, url: URL, onChange: () => void) {
    this.#elements = elements;
    this.#url = url;
    elements.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      elements.error.textContent = "";
      const token = elements.token.value.trim();
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
        });
      } catch (error) {
        elements.error.textContent = `Cannot reach the server: ${(error as Error).message}`;
        return;
      }
      await response.body?.cancel();
      elements.token.value = "";
      if (!response.ok) {
        elements.error.textContent = response.status === 401
          ? "That token is not accepted."
          : `Sign-in failed (${response.status}).`;
        elements.token.focus();
        return;
      }
      onChange();
    });
    elements.signOut.addEventListener("click", async () => {
      await fetch(url, { method: "DELETE" }).catch(() => undefined);
      onChange();
    });
  }

  /** Shows the panel for what the server accepts. */
  show(info: SessionInfo): void {
    const token = info.methods.includes("token");
    this.#elements.panel.hidden = false;
    this.#elements.form.hidden = !token;
    this.#elements.basicNote.hidden = token || !info.methods.includes("basic");
    if (token) this.#elements.token.focus();
  }

  /** Hides the panel; `cookie` shows the sign-out button (a token session). */
  hide(cookie: boolean): void {
    this.#elements.panel.hidden = true;
    this.#elements.signOut.hidden = !cookie;
  }

  /** The session URL (for a fresh check). */
  get url(): URL {
    return this.#url;
  }
}
