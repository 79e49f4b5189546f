// The mini-program's calls, type-checked against types generated from the OpenAPI document.
// (Answer fields are optional in the document, hence the `?? ...`; names and types are checked.)
import type { paths } from "./build/api";

type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/json": infer A } } };
}
  ? A
  : never;

// wx.login, then the service's token.
const login: Body<"/api/v1/auth/wechat-login", "post"> = { code: "0a3Xk1ll2" };
function tokenOf(answer: Answer<"/api/v1/auth/wechat-login", "post", 200>): string {
  return answer.token ?? "";
}

// A scanned join code: which union it leads to.
function unionOf(answer: Answer<"/api/v1/join/scenes/{scene}", "get", 200>): string {
  return answer.org?.name ?? "";
}

// The join form.
const apply: Body<"/api/v1/join/applications", "post"> = {
  scene: "p1QH2qJEvF3A",
  name: "王小明",
  id_number: "41010519900307123X",
  phone: "13912345678",
  occupation: "food_delivery",
  consent_version: "2026-12",
};
function applied(answer: Answer<"/api/v1/join/applications", "post", 201>): string {
  return `${answer.id} ${answer.status}`;
}

// Nearby stations on the map.
function nearest(answer: Answer<"/api/v1/stations/nearby", "get", 200>): number {
  return (answer.items?.[0]?.distance_m ?? 0) + (answer.total ?? 0);
}

// Submitting a refund application.
function submitted(
  answer: Answer<"/api/v1/refunds/applications/{application_id}/submit", "post", 200>,
): string {
  return answer.status ?? "";
}

export { login, apply, tokenOf, unionOf, applied, nearest, submitted };
