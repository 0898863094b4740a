import { authorizedFetch } from './api-client.ts';

/** Fetches a file from the API with the session's token and hands it to the browser as a download. */
export async function downloadFile(path: string, fileName: string): Promise<void> {
  const res = await authorizedFetch(path);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A query string from defined values only. */
export function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, String(value));
  return params.toString();
}
