/** One request to a bearer-token emulator, as a test makes it: status, headers and parsed JSON. */
export async function callTokenApi(
  sim: { url: string },
  method: string,
  p: string,
  body?: unknown,
  token = 'tok',
) {
  const res = await fetch(`${sim.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}
