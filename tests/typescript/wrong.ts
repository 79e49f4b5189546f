// Calls the document does not allow: type-checking this file must fail.
import type { paths } from "./build/api";

type LoginBody =
  paths["/api/v1/auth/wechat-login"]["post"]["requestBody"] extends
    { content: { "application/json": infer B } } | undefined ? B : never;
type NearbyAnswer =
  paths["/api/v1/stations/nearby"]["get"]["responses"][200]["content"]["application/json"];

const login: LoginBody = { codes: "0a3Xk1ll2" };
function nearest(answer: NearbyAnswer): string {
  return answer.items[0].distance_m;
}
export { login, nearest };
