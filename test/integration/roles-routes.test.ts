// Every loader and action, as every role: the server decides, not the UI.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { webPerson } from "~/app/models/audit.server";
import { createBounty } from "~/app/models/bounties.server";
import { requestPasswordReset } from "~/app/models/email-tokens.server";
import { actOnExpense, createExpense } from "~/app/models/expenses.server";
import { recordDonation } from "~/app/models/ledger.server";
import { unsubscribeToken } from "~/app/models/notifications.server";
import { getTarget } from "~/app/models/targets.server";
import { actOnTutorial, createTutorial, startTranslation } from "~/app/models/tutorials.server";
import { joinAccount } from "~/app/models/users.server";
import * as home from "~/app/routes/_index";
import * as adminHome from "~/app/routes/admin._index";
import * as adminGithubApp from "~/app/routes/admin.github-app";
import * as adminGithubAppCreated from "~/app/routes/admin.github-app_.created";
import * as adminOutbox from "~/app/routes/admin.outbox";
import * as adminOutboxMessage from "~/app/routes/admin.outbox_.$id";
import * as adminUsers from "~/app/routes/admin.users";
import * as adminWebhooks from "~/app/routes/admin.webhooks";
import * as apiBounties from "~/app/routes/api.bounties";
import * as apiFund from "~/app/routes/api.fund";
import * as apiPackages from "~/app/routes/api.packages";
import * as apiTargets from "~/app/routes/api.targets";
import * as appreciation from "~/app/routes/appreciation";
import * as githubStart from "~/app/routes/auth.github";
import * as githubCallback from "~/app/routes/auth.github.callback";
import * as bounty from "~/app/routes/bounties.$id";
import * as board from "~/app/routes/bounties._index";
import * as proposals from "~/app/routes/bounties.proposals";
import * as feed from "~/app/routes/bounties[.]atom";
import * as expense from "~/app/routes/expenses.$id";
import * as expensesList from "~/app/routes/expenses._index";
import * as expensesNew from "~/app/routes/expenses.new";
import * as forgotPassword from "~/app/routes/forgot-password";
import * as fund from "~/app/routes/fund._index";
import * as fundCsv from "~/app/routes/fund[.]csv";
import * as healthz from "~/app/routes/healthz";
import * as join from "~/app/routes/join";
import * as login from "~/app/routes/login";
import * as logout from "~/app/routes/logout";
import * as me from "~/app/routes/me";
import * as notificationsPage from "~/app/routes/notifications";
import * as pkgOne from "~/app/routes/packages.$id";
import * as pkgMatrix from "~/app/routes/packages._index";
import * as pkgNew from "~/app/routes/packages.new";
import * as pkgSoftware from "~/app/routes/packages.software.$slug";
import * as persona from "~/app/routes/personas.$persona";
import * as personas from "~/app/routes/personas._index";
import * as queue from "~/app/routes/queue";
import * as resetPassword from "~/app/routes/reset-password";
import * as settings from "~/app/routes/settings";
import * as notificationSettings from "~/app/routes/settings_.notifications";
import * as ssc from "~/app/routes/ssc";
import * as suggestions from "~/app/routes/suggestions";
import * as target from "~/app/routes/targets.$slug";
import * as newBounty from "~/app/routes/targets.$slug_.bounties.new";
import * as catalog from "~/app/routes/targets._index";
import * as tutorial from "~/app/routes/tutorials.$slug";
import * as tutorialEdit from "~/app/routes/tutorials.$slug_.edit";
import * as tutorialHistory from "~/app/routes/tutorials.$slug_.history";
import * as translation from "~/app/routes/tutorials.$slug_.translations.$lang";
import * as translationEdit from "~/app/routes/tutorials.$slug_.translations.$lang_.edit";
import * as translationHistory from "~/app/routes/tutorials.$slug_.translations.$lang_.history";
import * as tutorials from "~/app/routes/tutorials._index";
import * as tutorialNew from "~/app/routes/tutorials.new";
import * as tutorialFeed from "~/app/routes/tutorials[.]atom";
import * as profile from "~/app/routes/u.$username";
import * as unsubscribePage from "~/app/routes/unsubscribe";
import * as verifyEmail from "~/app/routes/verify-email";
import * as watch from "~/app/routes/watch";
import { contentDigest } from "../support/fingerprint";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { GrantableRole } from "~/db/schema";

type Handler = (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown;
const ROLES = ["anonymous", "contributor", "packager", "ssc", "admin"] as const;
type Who = (typeof ROLES)[number];

const cookies = {} as Record<Who, string | null>;
let targetUserId = 0;
let targetUsername = "";
/** Someone else's expenses: one approved (to pay), one waiting for votes. */
const expenseIds = { approved: 0, submitted: 0 };
/** A mail in the outbox, someone's proposal (private to them and the reviewers), someone's unsubscribe link. */
const ids = { outboxMessage: 0, proposal: 0, target: 0, token: "", verifyLink: "", resetLink: "" };
/** A seeded published tutorial (no authors), someone's draft, and someone's published German translation of the first. */
const tut = { published: "", draft: "" };
const FORGED_EMAIL_TOKEN = `${"A".repeat(43)}.${"A".repeat(22)}`;
const ledgerRows = () => db.$client.prepare("select count(*) as n from ledger_entries").pluck().get() as number;

beforeAll(async () => {
  cookies.anonymous = null;
  for (const role of ROLES.slice(1)) {
    const granted: GrantableRole[] = role === "contributor" ? [] : [role as GrantableRole];
    cookies[role] = await cookieFor((await makeUser(granted)).id);
  }
  // a second admin, so revoking/disabling never trips the last-admin guard
  await makeUser(["admin"]);
  const target = await makeUser();
  targetUserId = target.id;
  targetUsername = target.username;
  const requester = webPerson(await makeUser());
  const [ssc1, ssc2] = [webPerson(await makeUser(["ssc"])), webPerson(await makeUser(["ssc"]))];
  recordDonation(
    db,
    { userId: null, label: "test", source: "cli" },
    { date: "2026-01-01", donor: null, amountCents: 100_000, currency: "USD", reference: "ROLES-1", note: null },
  );
  const trip = {
    kind: "pre_approval",
    title: "Trip",
    event: "Meetup",
    category: "travel",
    amountCents: 1000,
    spentOn: "2026-06-01",
    description: "A trip.",
    bountyId: null,
    targetId: null,
    preApprovalId: null,
    publicRequester: false,
  } as const;
  expenseIds.approved = createExpense(db, requester, trip, [], true).id;
  actOnExpense(db, ssc1, expenseIds.approved, "approve");
  actOnExpense(db, ssc2, expenseIds.approved, "approve");
  expenseIds.submitted = createExpense(db, requester, trip, [], true).id;
  ids.outboxMessage = db.$client.prepare("select max(id) from outbox").pluck().get() as number;
  ids.target = getTarget(db, "kafka")!.id;
  ids.proposal = createBounty(db, { ...requester, roles: [] }, { targetId: ids.target, title: "A private idea", description: "Mine.", kind: "docs" }).id;
  ids.token = unsubscribeToken(db, requester.userId!, "expense_approved");
  tut.published = db.$client.prepare("select slug from tutorials where seed_key = 'envoy-spire-sds'").pluck().get() as string;
  const writer = { ...requester, roles: [] };
  tut.draft = createTutorial(db, writer, {
    title: "Someone's draft",
    summary: "Draft.",
    body: "Text.",
    targetSlugs: ["envoy"],
    personas: ["documenter"],
  }).slug!;
  const sourceId = db.$client.prepare("select id from tutorials where slug = ?").pluck().get(tut.published) as number;
  const german = startTranslation(db, writer, sourceId, "de", { title: "Envoy mit SPIRE", summary: "Kurz.", body: "Text." });
  actOnTutorial(db, writer, german.id, "submit");
  actOnTutorial(db, ssc1, german.id, "publish");
  // someone's verification and reset links, as mailed (read back from the outbox)
  const linkFrom = (kind: string) =>
    /\/(?:verify-email|reset-password)\?token=[A-Za-z0-9_.-]+/.exec(
      db.$client.prepare("select text_body from outbox where kind = ? order by id desc").pluck().get(kind) as string,
    )![0];
  joinAccount(db, { username: "linkholder", displayName: "Link Holder", email: "linkholder@example.org", passwordHash: null });
  ids.verifyLink = linkFrom("verify_email");
  requestPasswordReset(db, (await makeUser()).email, "10.0.0.1");
  ids.resetLink = linkFrom("reset_password");
});

const OK = 200;
const LOGIN = 302; // redirect to /login (or away from a page that makes no sense when signed in)
const all = (status: number) => Object.fromEntries(ROLES.map((r) => [r, status])) as Record<Who, number>;
const signedIn = (anonymous: number, others: number) => ({ ...all(others), anonymous });

interface Row {
  name: string;
  handler: Handler;
  path: string;
  params?: Record<string, string>;
  form?: () => Record<string, string>;
  /** The ledger must not change, whoever asks. */
  ledgerUnchanged?: boolean;
  expect: Record<Who, number>;
}

const loaders: Row[] = [
  { name: "GET /", handler: home.loader, path: "/", expect: all(OK) },
  { name: "GET /targets", handler: catalog.loader, path: "/targets", expect: all(OK) },
  { name: "GET /targets/:slug", handler: target.loader, path: "/targets/envoy", params: { slug: "envoy" }, expect: all(OK) },
  { name: "GET /personas", handler: personas.loader, path: "/personas", expect: all(OK) },
  { name: "GET /personas/:persona", handler: persona.loader, path: "/personas/sysadmin", params: { persona: "sysadmin" }, expect: all(OK) },
  { name: "GET /healthz", handler: healthz.loader, path: "/healthz", expect: all(OK) },
  { name: "GET /login", handler: login.loader, path: "/login", expect: signedIn(OK, 302) },
  { name: "GET /join", handler: join.loader, path: "/join", expect: signedIn(OK, 302) },
  { name: "GET /logout", handler: logout.loader, path: "/logout", expect: all(302) },
  { name: "GET /settings", handler: settings.loader, path: "/settings", expect: signedIn(LOGIN, OK) },
  {
    name: "GET /admin/users",
    handler: adminUsers.loader,
    path: "/admin/users",
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  {
    name: "GET /suggestions",
    handler: suggestions.loader,
    path: "/suggestions",
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: OK, admin: OK },
  },
  { name: "GET /admin", handler: adminHome.loader, path: "/admin", expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK } },
  {
    name: "GET /admin/github-app",
    handler: adminGithubApp.loader,
    path: "/admin/github-app",
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  {
    // without GitHub's code (and the state cookie) there is nothing to trade: 400, and GitHub is never asked
    name: "GET /admin/github-app/created",
    handler: adminGithubAppCreated.loader,
    path: "/admin/github-app/created?state=x",
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: 400 },
  },
  {
    name: "GET /admin/webhooks",
    handler: adminWebhooks.loader,
    path: "/admin/webhooks",
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  { name: "GET /auth/github", handler: githubStart.loader, path: "/auth/github", expect: all(302) },
  { name: "GET /bounties", handler: board.loader, path: "/bounties", expect: all(OK) },
  { name: "GET /bounties/:id", handler: bounty.loader, path: "/bounties/1", params: { id: "1" }, expect: all(OK) },
  {
    name: "GET /bounties/proposals",
    handler: proposals.loader,
    path: "/bounties/proposals",
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: OK, admin: OK },
  },
  { name: "GET /bounties.atom", handler: feed.loader, path: "/bounties.atom", expect: all(OK) },
  {
    name: "GET /targets/:slug/bounties/new",
    handler: newBounty.loader,
    path: "/targets/kafka/bounties/new",
    params: { slug: "kafka" },
    expect: signedIn(LOGIN, OK),
  },
  { name: "GET /me", handler: me.loader, path: "/me", expect: signedIn(LOGIN, OK) },
  { name: "GET /appreciation", handler: appreciation.loader, path: "/appreciation", expect: all(OK) },
  { name: "GET /packages", handler: pkgMatrix.loader, path: "/packages", expect: all(OK) },
  {
    name: "GET /packages/new",
    handler: pkgNew.loader,
    path: "/packages/new",
    expect: { anonymous: LOGIN, contributor: 403, packager: OK, ssc: 403, admin: OK },
  },
  { name: "GET /packages/:id", handler: pkgOne.loader, path: "/packages/1", params: { id: "1" }, expect: all(OK) },
  {
    name: "GET /packages/software/:slug",
    handler: pkgSoftware.loader,
    path: "/packages/software/spire-server",
    params: { slug: "spire-server" },
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  { name: "GET /api/packages", handler: apiPackages.loader, path: "/api/packages", expect: all(OK) },
  { name: "GET /fund", handler: fund.loader, path: "/fund", expect: all(OK) },
  { name: "GET /fund.csv", handler: fundCsv.loader, path: "/fund.csv", expect: all(OK) },
  { name: "GET /api/fund", handler: apiFund.loader, path: "/api/fund", expect: all(OK) },
  { name: "GET /expenses", handler: expensesList.loader, path: "/expenses", expect: signedIn(LOGIN, OK) },
  { name: "GET /expenses/new", handler: expensesNew.loader, path: "/expenses/new", expect: signedIn(LOGIN, OK) },
  { name: "GET /ssc", handler: ssc.loader, path: "/ssc", expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: OK, admin: 403 } },
  { name: "GET /queue", handler: queue.loader, path: "/queue", expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: OK, admin: OK } },
  {
    name: "GET /u/:username",
    handler: profile.loader,
    get path() {
      return `/u/${targetUsername}`;
    },
    get params() {
      return { username: targetUsername };
    },
    expect: all(OK),
  },
  { name: "GET /u/:username (no such member)", handler: profile.loader, path: "/u/nobody-at-all", params: { username: "nobody-at-all" }, expect: all(404) },
  { name: "GET /api/bounties", handler: apiBounties.loader, path: "/api/bounties", expect: all(OK) },
  { name: "GET /notifications", handler: notificationsPage.loader, path: "/notifications", expect: signedIn(LOGIN, OK) },
  { name: "GET /settings/notifications", handler: notificationSettings.loader, path: "/settings/notifications", expect: signedIn(LOGIN, OK) },
  {
    name: "GET /admin/outbox",
    handler: adminOutbox.loader,
    path: "/admin/outbox",
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  {
    name: "GET /admin/outbox/:id",
    handler: adminOutboxMessage.loader,
    get path() {
      return `/admin/outbox/${ids.outboxMessage}`;
    },
    get params() {
      return { id: String(ids.outboxMessage) };
    },
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  // the link in a mail works without signing in; a GET only asks, and a bad token is refused
  {
    name: "GET /unsubscribe (someone's link)",
    handler: unsubscribePage.loader,
    get path() {
      return `/unsubscribe?token=${encodeURIComponent(ids.token)}`;
    },
    expect: all(OK),
  },
  { name: "GET /unsubscribe (forged)", handler: unsubscribePage.loader, path: `/unsubscribe?token=1.expense_paid.${"A".repeat(43)}`, expect: all(400) },
  { name: "GET /watch", handler: watch.loader, path: "/watch", expect: all(405) },
  // links from mails work without signing in; a GET only shows what they would do
  { name: "GET /forgot-password", handler: forgotPassword.loader, path: "/forgot-password", expect: all(OK) },
  {
    name: "GET /verify-email (someone's link)",
    handler: verifyEmail.loader,
    get path() {
      return ids.verifyLink;
    },
    expect: all(OK),
  },
  { name: "GET /verify-email (forged)", handler: verifyEmail.loader, path: `/verify-email?token=${FORGED_EMAIL_TOKEN}`, expect: all(400) },
  {
    name: "GET /reset-password (someone's link)",
    handler: resetPassword.loader,
    get path() {
      return ids.resetLink;
    },
    expect: all(OK),
  },
  { name: "GET /reset-password (forged)", handler: resetPassword.loader, path: `/reset-password?token=${FORGED_EMAIL_TOKEN}`, expect: all(400) },
  { name: "GET /api/targets", handler: apiTargets.loader, path: "/api/targets", expect: all(OK) },
  { name: "GET /tutorials", handler: tutorials.loader, path: "/tutorials?lang=de", expect: all(OK) },
  { name: "GET /tutorials (not a language tag)", handler: tutorials.loader, path: "/tutorials?lang=de_DE", expect: all(400) },
  { name: "GET /tutorials/new", handler: tutorialNew.loader, path: "/tutorials/new", expect: signedIn(LOGIN, OK) },
  {
    name: "GET /tutorials/:slug (published)",
    handler: tutorial.loader,
    get path() {
      return `/tutorials/${tut.published}`;
    },
    get params() {
      return { slug: tut.published };
    },
    expect: all(OK),
  },
  // someone's draft: its authors and the reviewers only
  {
    name: "GET /tutorials/:slug (someone's draft)",
    handler: tutorial.loader,
    get path() {
      return `/tutorials/${tut.draft}`;
    },
    get params() {
      return { slug: tut.draft };
    },
    expect: { anonymous: 404, contributor: 404, packager: 404, ssc: OK, admin: OK },
  },
  // a seeded tutorial has no authors: only admins may edit it
  {
    name: "GET /tutorials/:slug/edit",
    handler: tutorialEdit.loader,
    get path() {
      return `/tutorials/${tut.published}/edit`;
    },
    get params() {
      return { slug: tut.published };
    },
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  {
    name: "GET /tutorials/:slug/history",
    handler: tutorialHistory.loader,
    get path() {
      return `/tutorials/${tut.published}/history`;
    },
    get params() {
      return { slug: tut.published };
    },
    expect: all(OK),
  },
  {
    name: "GET /tutorials/:slug/translations/:lang",
    handler: translation.loader,
    get path() {
      return `/tutorials/${tut.published}/translations/de`;
    },
    get params() {
      return { slug: tut.published, lang: "de" };
    },
    expect: all(OK),
  },
  {
    name: "GET /tutorials/:slug/translations/:lang/history",
    handler: translationHistory.loader,
    get path() {
      return `/tutorials/${tut.published}/translations/de/history`;
    },
    get params() {
      return { slug: tut.published, lang: "de" };
    },
    expect: all(OK),
  },
  // someone else's translation: its translators and admins edit it
  {
    name: "GET /tutorials/:slug/translations/:lang/edit (someone's)",
    handler: translationEdit.loader,
    get path() {
      return `/tutorials/${tut.published}/translations/de/edit`;
    },
    get params() {
      return { slug: tut.published, lang: "de" };
    },
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  {
    name: "GET /tutorials/:slug/translations/:lang/edit (a new language)",
    handler: translationEdit.loader,
    get path() {
      return `/tutorials/${tut.published}/translations/fr/edit`;
    },
    get params() {
      return { slug: tut.published, lang: "fr" };
    },
    expect: signedIn(LOGIN, OK),
  },
  { name: "GET /tutorials.atom", handler: tutorialFeed.loader, path: "/tutorials.atom?lang=de", expect: all(OK) },
  // GitHub sign-in is not configured in this suite: the callback does not exist.
  { name: "GET /auth/github/callback", handler: githubCallback.loader, path: "/auth/github/callback", expect: all(404) },
];

const actions: Row[] = [
  {
    name: "POST /settings (profile)",
    handler: settings.action,
    path: "/settings",
    form: () => ({ intent: "profile", displayName: "Someone", email: `p${Math.random()}@example.org`, githubLogin: "" }),
    expect: signedIn(LOGIN, OK),
  },
  {
    // no such suggestion: who may is decided (403) before what exists (404); nothing changes
    name: "POST /suggestions (link)",
    handler: suggestions.action,
    path: "/suggestions",
    form: () => ({ id: "999999", decision: "link" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 404, admin: 404 },
  },
  {
    name: "POST /admin/users (grant)",
    handler: adminUsers.action,
    path: "/admin/users",
    form: () => ({ intent: "grant", userId: String(targetUserId), role: "packager" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  {
    name: "POST /admin/users (revoke)",
    handler: adminUsers.action,
    path: "/admin/users",
    form: () => ({ intent: "revoke", userId: String(targetUserId), role: "packager" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  {
    name: "POST /admin/users (disable)",
    handler: adminUsers.action,
    path: "/admin/users",
    form: () => ({ intent: "enable", userId: String(targetUserId) }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: OK },
  },
  // cancel without a reason: who may is decided (403) before what is missing (422)
  {
    name: "POST /bounties/:id (cancel)",
    handler: bounty.action,
    path: "/bounties/1",
    params: { id: "1" },
    form: () => ({ intent: "cancel" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 422, admin: 422 },
  },
  {
    name: "POST /bounties/:id (complete an open bounty)",
    handler: bounty.action,
    path: "/bounties/1",
    params: { id: "1" },
    form: () => ({ intent: "complete" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 409, admin: 409 },
  },
  {
    name: "POST /targets/:slug/bounties/new (invalid)",
    handler: newBounty.action,
    path: "/targets/kafka/bounties/new",
    params: { slug: "kafka" },
    form: () => ({ title: "" }),
    expect: signedIn(LOGIN, 400),
  },
  {
    name: "POST /admin/webhooks (replay a missing delivery)",
    handler: adminWebhooks.action,
    path: "/admin/webhooks",
    form: () => ({ intent: "replay", id: "999999" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: 404 },
  },
  {
    name: "POST /targets/:slug (link an issue)",
    handler: target.action,
    path: "/targets/envoy",
    params: { slug: "envoy" },
    form: () => ({ url: "https://github.com/envoyproxy/envoy/issues/3883" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: OK, admin: OK },
  },
  {
    name: "POST /packages/new (invalid)",
    handler: pkgNew.action,
    path: "/packages/new",
    form: () => ({ software: "" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 400, ssc: 403, admin: 400 },
  },
  // a seeded package has no Club Zero maintainer: only admins may change it
  {
    name: "POST /packages/:id (edit, invalid)",
    handler: pkgOne.action,
    path: "/packages/1",
    params: { id: "1" },
    form: () => ({ intent: "save", software: "" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: 400 },
  },
  // claiming asks for the packager role first, then for the package
  {
    name: "POST /packages/:id (claim a package that does not exist)",
    handler: pkgOne.action,
    path: "/packages/999999",
    params: { id: "999999" },
    form: () => ({ intent: "claim" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 404, ssc: 403, admin: 404 },
  },
  {
    name: "POST /packages/software/:slug (source names, invalid)",
    handler: pkgSoftware.action,
    path: "/packages/software/spire-server",
    params: { slug: "spire-server" },
    form: () => ({ intent: "sources", imageName: "Not An Image" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: 400 },
  },
  {
    name: "POST /packages/software/:slug (invalid)",
    handler: pkgSoftware.action,
    path: "/packages/software/spire-server",
    params: { slug: "spire-server" },
    form: () => ({ version: "latest" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: 400 },
  },
  {
    name: "POST /fund (donation, invalid)",
    handler: fund.action,
    path: "/fund",
    form: () => ({ intent: "donation", amount: "1.005" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 400, admin: 400 },
  },
  {
    name: "POST /expenses/new (invalid)",
    handler: expensesNew.action,
    path: "/expenses/new",
    form: () => ({ kind: "reimbursement" }),
    expect: signedIn(LOGIN, 400),
  },
  // someone else's expense is private (404) to contributors and packagers; officers get as far
  // as the missing payment reference (422) or reason (422), so nobody here moves money
  {
    name: "POST /expenses/:id (pay someone else's approved expense, no reference)",
    handler: expense.action,
    get path() {
      return `/expenses/${expenseIds.approved}`;
    },
    get params() {
      return { id: String(expenseIds.approved) };
    },
    form: () => ({ intent: "pay", paidOn: "2026-06-10" }),
    ledgerUnchanged: true,
    expect: { anonymous: LOGIN, contributor: 404, packager: 404, ssc: 422, admin: 422 },
  },
  {
    name: "POST /expenses/:id (reject someone else's expense, no reason)",
    handler: expense.action,
    get path() {
      return `/expenses/${expenseIds.submitted}`;
    },
    get params() {
      return { id: String(expenseIds.submitted) };
    },
    form: () => ({ intent: "reject" }),
    expect: { anonymous: LOGIN, contributor: 404, packager: 404, ssc: 422, admin: 403 },
  },
  {
    name: "POST /notifications (read all)",
    handler: notificationsPage.action,
    path: "/notifications",
    form: () => ({ intent: "read-all" }),
    expect: signedIn(LOGIN, OK),
  },
  {
    name: "POST /settings/notifications",
    handler: notificationSettings.action,
    path: "/settings/notifications",
    form: () => ({ watched_change: "now" }),
    expect: signedIn(LOGIN, OK),
  },
  {
    name: "POST /settings/notifications (invalid)",
    handler: notificationSettings.action,
    path: "/settings/notifications",
    form: () => ({ watched_change: "hourly" }),
    expect: signedIn(LOGIN, 400),
  },
  {
    name: "POST /watch (a target)",
    handler: watch.action,
    path: "/watch",
    form: () => ({ subject: "target", id: String(ids.target), watch: "1", returnTo: "/targets/kafka" }),
    expect: signedIn(LOGIN, 302),
  },
  // someone else's proposal is private: watching it is refused as if it did not exist
  {
    name: "POST /watch (someone else's proposal)",
    handler: watch.action,
    path: "/watch",
    form: () => ({ subject: "bounty", id: String(ids.proposal), watch: "1" }),
    expect: { anonymous: LOGIN, contributor: 404, packager: 404, ssc: 302, admin: 302 },
  },
  {
    name: "POST /unsubscribe (forged token)",
    handler: unsubscribePage.action,
    path: `/unsubscribe?token=1.expense_paid.${"A".repeat(43)}`,
    form: () => ({ "List-Unsubscribe": "One-Click" }),
    expect: all(400),
  },
  // paying from the queue: the same rule as the expense page (only officers, never a missing reference)
  {
    name: "POST /queue (pay someone else's approved expense, no reference)",
    handler: queue.action,
    path: "/queue",
    form: () => ({ expenseId: String(expenseIds.approved), paymentReference: "", paidOn: "2026-06-10" }),
    ledgerUnchanged: true,
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 400, admin: 400 },
  },
  {
    name: "POST /queue (pay an expense that is not approved)",
    handler: queue.action,
    path: "/queue",
    form: () => ({ expenseId: String(expenseIds.submitted), paymentReference: "REF-1", paidOn: "2026-06-10" }),
    ledgerUnchanged: true,
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 409, admin: 409 },
  },
  { name: "POST /tutorials/new (invalid)", handler: tutorialNew.action, path: "/tutorials/new", form: () => ({ title: "" }), expect: signedIn(LOGIN, 400) },
  // publishing is for reviewers (403 for others); this one is published already (409)
  {
    name: "POST /tutorials/:slug (publish a published one)",
    handler: tutorial.action,
    get path() {
      return `/tutorials/${tut.published}`;
    },
    get params() {
      return { slug: tut.published };
    },
    form: () => ({ intent: "publish" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 409, admin: 409 },
  },
  {
    name: "POST /tutorials/:slug (unpublish, no reason)",
    handler: tutorial.action,
    get path() {
      return `/tutorials/${tut.published}`;
    },
    get params() {
      return { slug: tut.published };
    },
    form: () => ({ intent: "unpublish" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 422, admin: 422 },
  },
  // someone's draft: invisible to others (404); reviewers see it but only its authors submit it
  {
    name: "POST /tutorials/:slug (submit someone's draft)",
    handler: tutorial.action,
    get path() {
      return `/tutorials/${tut.draft}`;
    },
    get params() {
      return { slug: tut.draft };
    },
    form: () => ({ intent: "submit" }),
    expect: { anonymous: LOGIN, contributor: 404, packager: 404, ssc: 403, admin: 403 },
  },
  {
    name: "POST /tutorials/:slug (translate, not a language tag)",
    handler: tutorial.action,
    get path() {
      return `/tutorials/${tut.published}`;
    },
    get params() {
      return { slug: tut.published };
    },
    form: () => ({ intent: "translate", lang: "english!" }),
    expect: signedIn(LOGIN, 400),
  },
  {
    name: "POST /tutorials/:slug/edit (invalid)",
    handler: tutorialEdit.action,
    get path() {
      return `/tutorials/${tut.published}/edit`;
    },
    get params() {
      return { slug: tut.published };
    },
    form: () => ({ title: "" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: 400 },
  },
  {
    name: "POST /tutorials/:slug/translations/:lang (publish a published one)",
    handler: translation.action,
    get path() {
      return `/tutorials/${tut.published}/translations/de`;
    },
    get params() {
      return { slug: tut.published, lang: "de" };
    },
    form: () => ({ intent: "publish" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 409, admin: 409 },
  },
  {
    name: "POST /tutorials/:slug/translations/:lang/edit (someone's, invalid)",
    handler: translationEdit.action,
    get path() {
      return `/tutorials/${tut.published}/translations/de/edit`;
    },
    get params() {
      return { slug: tut.published, lang: "de" };
    },
    form: () => ({ title: "" }),
    expect: { anonymous: LOGIN, contributor: 403, packager: 403, ssc: 403, admin: 400 },
  },
  {
    name: "POST /tutorials/:slug/translations/:lang/edit (a new language, invalid)",
    handler: translationEdit.action,
    get path() {
      return `/tutorials/${tut.published}/translations/fr/edit`;
    },
    get params() {
      return { slug: tut.published, lang: "fr" };
    },
    form: () => ({ title: "" }),
    expect: signedIn(LOGIN, 400),
  },
  { name: "POST /auth/github", handler: githubStart.action, path: "/auth/github", form: () => ({}), expect: all(404) },
  {
    name: "POST /login (wrong password)",
    handler: login.action,
    path: "/login",
    form: () => ({ username: "nobody-at-all", password: "wrong password" }),
    expect: all(401),
  },
  { name: "POST /join (invalid)", handler: join.action, path: "/join", form: () => ({ username: "" }), expect: all(400) },
  {
    name: "POST /settings (send the verification link again, already verified)",
    handler: settings.action,
    path: "/settings",
    form: () => ({ intent: "resend-verification" }),
    expect: signedIn(LOGIN, OK),
  },
  // the same answer for everyone, whoever has the address; only the throttle's counters move
  {
    name: "POST /forgot-password (unknown address)",
    handler: forgotPassword.action,
    path: "/forgot-password",
    form: () => ({ email: "nobody-at-all@example.org" }),
    expect: all(OK),
  },
  { name: "POST /forgot-password (invalid)", handler: forgotPassword.action, path: "/forgot-password", form: () => ({ email: "nope" }), expect: all(400) },
  {
    name: "POST /verify-email (forged)",
    handler: verifyEmail.action,
    path: "/verify-email",
    form: () => ({ token: FORGED_EMAIL_TOKEN }),
    expect: all(400),
  },
  {
    name: "POST /reset-password (forged)",
    handler: resetPassword.action,
    path: "/reset-password",
    form: () => ({ token: FORGED_EMAIL_TOKEN, newPassword: "a perfectly fine passphrase" }),
    expect: all(400),
  },
  // logout last: it ends the session it is sent with
  { name: "POST /logout", handler: logout.action, path: "/logout", form: () => ({}), expect: all(302) },
];

describe.each([...loaders, ...actions])("$name", (row) => {
  it.each(ROLES)("as %s", async (who) => {
    const cookie = cookies[who];
    const init: RequestInit = row.form ? formInit(cookie, row.form()) : { headers: cookie ? { Cookie: cookie } : {} };
    const entries = ledgerRows();
    const before = contentDigest(db.$client);
    const res = await call(row.handler, row.path, row.params ?? {}, init);
    expect(res.status, `${row.name} as ${who}`).toBe(row.expect[who]);
    if (row.ledgerUnchanged) expect(ledgerRows(), `${row.name} as ${who}: ledger entries`).toBe(entries);
    // A refusal (or a redirect to sign in) changes nothing at all, not just the status code.
    const refused = res.status >= 400 || (who === "anonymous" && row.expect[who] === LOGIN);
    if (refused || !row.form) expect(contentDigest(db.$client), `${row.name} as ${who}: database changed`).toBe(before);
    if (
      row.expect[who] === LOGIN &&
      who === "anonymous" &&
      ![login, join, logout, githubStart].some((m) => m.loader === row.handler || m.action === row.handler)
    ) {
      expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    }
  });
});
