// Smoke test of a live Gazouille server with the `masto` client library:
// log in, post with an image, read timelines, search, and receive a streamed `update`.
// Usage: GAZOUILLE_URL=http://localhost:3000 node smoke.mjs
import { deflateSync } from "node:zlib";
import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient } from "masto";

const url = process.env.GAZOUILLE_URL ?? "http://localhost:3000";
const fail = (message) => { console.error(`FAIL: ${message}`); process.exit(1); };
const check = (condition, message) => { if (!condition) fail(message); console.log(`ok - ${message}`); };

function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0); body.copy(out, 4); out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4); header[8] = 8; header[9] = 2;
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = y * (width * 3 + 1) + 1 + x * 3; rows[i] = x * 4; rows[i + 1] = y * 4; rows[i + 2] = 128;
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

async function register(appRest, app, username) {
  const oauth = createOAuthAPIClient({ url });
  const appToken = await oauth.token.create({ grantType: "client_credentials", clientId: app.clientId,
    clientSecret: app.clientSecret, scope: "read write follow push" });
  const anonymous = createRestAPIClient({ url, accessToken: appToken.accessToken });
  await anonymous.v1.accounts.create({ username, email: `${username}@example.com`, password: "correct horse",
    agreement: true, locale: "fr" });
  // Log in again with the password grant, as scripts do.
  const token = await oauth.token.create({ grantType: "password", clientId: app.clientId,
    clientSecret: app.clientSecret, username: `${username}@example.com`, password: "correct horse",
    scope: "read write follow push" });
  return token.accessToken;
}

const suffix = Math.random().toString(16).slice(2, 8);
const rest = createRestAPIClient({ url });
const app = await rest.v1.apps.create({ clientName: "masto smoke", redirectUris: "urn:ietf:wg:oauth:2.0:oob",
  scopes: "read write follow push" });
const aliceToken = await register(rest, app, `alice${suffix}`);
const bobToken = await register(rest, app, `bob${suffix}`);
const alice = createRestAPIClient({ url, accessToken: aliceToken });
const bob = createRestAPIClient({ url, accessToken: bobToken });

const me = await alice.v1.accounts.verifyCredentials();
check(me.username === `alice${suffix}`, "logged in with the password grant");
const bobAccount = await bob.v1.accounts.verifyCredentials();
await bob.v1.accounts.$select(me.id).follow();

const instance = await alice.v2.instance.fetch();
const streaming = createStreamingAPIClient({ streamingApiUrl: instance.configuration.urls.streaming,
  accessToken: bobToken });
const subscription = streaming.user.subscribe();
const streamed = (async () => {
  for await (const event of subscription) {
    if (event.event === "update" && event.payload.content.includes("masto smoke")) return event.payload;
  }
  return null;
})();
await new Promise((resolve) => setTimeout(resolve, 500));

const media = await alice.v2.media.create({ file: new Blob([png(64, 48)], { type: "image/png" }),
  description: "Un dégradé de couleurs" });
check(media.type === "image" && media.description === "Un dégradé de couleurs", "uploaded an image with alt text");
const status = await alice.v1.statuses.create({ status: `Bonjour depuis masto smoke #gazouille${suffix}`,
  mediaIds: [media.id], language: "fr" });
check(status.mediaAttachments.length === 1 && status.mediaAttachments[0].meta.original.width === 64,
  "posted a status with the image");

const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 10_000));
const event = await Promise.race([streamed, timeout]);
subscription.unsubscribe();
streaming.close();
check(event !== null && event.id === status.id, "received the streamed update on the follower's user stream");

const home = await bob.v1.timelines.home.list({ limit: 5 });
check(home.some((s) => s.id === status.id), "the post is on the follower's home timeline");
const publicTimeline = await bob.v1.timelines.public.list({ local: true, limit: 5 });
check(publicTimeline.some((s) => s.id === status.id), "the post is on the local timeline");
const tagged = await bob.v1.timelines.tag.$select(`gazouille${suffix}`).list();
check(tagged.some((s) => s.id === status.id), "the post is on its hashtag timeline");
const results = await bob.v2.search.list({ q: `gazouille${suffix}` });
check(results.hashtags.some((t) => t.name === `gazouille${suffix}`), "search finds the hashtag");
const found = await bob.v2.search.list({ q: "bonjour", type: "statuses" });
check(found.statuses.some((s) => s.id === status.id), "full-text search finds the post");
console.log(`all checks passed for ${bobAccount.acct} and ${me.acct}`);
process.exit(0);
