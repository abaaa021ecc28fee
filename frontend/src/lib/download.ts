import { call, type Query } from "../api/http";

/** Fetch a file with the user's token (a plain link would not carry it) and hand it to the browser as a download. */
export async function downloadWithAuth(path: string, query: Query, filename: string, type: string): Promise<void> {
  const body = await call<string>("GET", path, { query, headers: { Accept: type } });
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
