#!/usr/bin/env node
/**
 * Regenerates the bundled golden datasets and their recorded sample responses:
 *   golden-datasets/<id>/dataset.jsonl
 *   golden-datasets/<id>/recordings/{cheap,mid,frontier}.jsonl
 * Deterministic (seeded PRNG, no clock, no dependencies): running it twice gives
 * byte-identical files. Usage: node scripts/gen-golden.mjs [--out DIR]
 *
 * The items are written from templates with varied surface text. The recorded
 * responses are SAMPLE DATA, simulated to look like what each tier of the
 * default ladder answers: right answers phrased as models phrase them, wrong
 * answers that are plausible mistakes, error rates that rise with difficulty
 * and fall with tier, usage tokens from the text lengths, latencies by tier and
 * a self-reported confidence correlated with correctness.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The project's own seeded generator (mulberry32): run `npm run build` first.
import { seededRandom as mulberry32 } from '../dist/stats/random.js';

const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? process.argv[outArg + 1] : fileURLToPath(new URL('../golden-datasets/', import.meta.url));
// --intent FILE: also write which recorded answers were simulated wrong (for checking the graders against the intent)
const intentArg = process.argv.indexOf('--intent');
const INTENT = intentArg > 0 ? process.argv[intentArg + 1] : undefined;
const intent = {};

// ---------------------------------------------------------------- randomness
function hashSeed(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
class Rand {
  constructor(seed) {
    this.next = mulberry32(typeof seed === 'string' ? hashSeed(seed) : seed);
  }
  float(a = 0, b = 1) {
    return a + (b - a) * this.next();
  }
  int(a, b) {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(arr) {
    return arr[Math.floor(this.next() * arr.length)];
  }
  /** pick from [[weight, value], ...] */
  weighted(pairs) {
    const total = pairs.reduce((s, [w]) => s + w, 0);
    let x = this.next() * total;
    for (const [w, v] of pairs) {
      x -= w;
      if (x < 0) return v;
    }
    return pairs[pairs.length - 1][1];
  }
  shuffle(arr) {
    const a = [...arr];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
  normal(mean = 0, sd = 1) {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  digits(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  letters(n) {
    const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
    let s = '';
    for (let i = 0; i < n; i++) s += A[this.int(0, A.length - 1)];
    return s;
  }
}

const clamp = (x, a, b) => Math.min(b, Math.max(a, x));
const round2 = (x) => Math.round(x * 100 + Number.EPSILON * 100) / 100;
const money = (x) => x.toFixed(2);
const moneyComma = (x) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const intComma = (x) => x.toLocaleString('en-US');
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
/** Fills {a|b|c} alternatives from r, so one template reads several ways. */
function vary(r, s) {
  return s.replace(/\{([^{}]*\|[^{}]*)\}/g, (_m, alts) => r.pick(alts.split('|')));
}

// ---------------------------------------------------------------- shared pools
const FIRST = ['Maria', 'James', 'Aisha', 'Chen', 'Sofia', 'Liam', 'Priya', 'Mateo', 'Hannah', 'Kwame', 'Yuki', 'Olivia', 'Noah', 'Fatima', 'Lucas', 'Elena', 'Daniel', 'Zara', 'Tomás', 'Grace', 'Ibrahim', 'Mei', 'Ethan', 'Chloe', 'Arjun', 'Nadia', 'Samuel', 'Leila', 'Owen', 'Ana', 'Diego', 'Ruth', 'Felix', 'Amara', 'Jonas', 'Isabel', 'Kofi', 'Hiro', 'Lena', 'Marcus'];
const LAST = ['Garcia', 'Okafor', 'Nguyen', 'Smith', 'Patel', 'Müller', 'Kowalski', 'Johnson', 'Rossi', 'Tanaka', 'Silva', 'Brown', 'Haddad', 'Andersen', 'Lopez', 'Kim', 'Dubois', 'Martin', 'Osei', 'Fischer', 'Ivanova', 'Walsh', 'Moreau', 'Reyes', 'Singh', 'Cohen', 'Lindqvist', 'Adeyemi', 'Novak', 'Bianchi'];
const personName = (r) => `${r.pick(FIRST)} ${r.pick(LAST)}`;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MON3 = MONTHS.map((m) => m.slice(0, 3));
function dateOf(y, m, d) {
  return { y, m, d };
}
function randomDate(r, year = 2025) {
  const m = r.int(1, 12);
  const d = r.int(1, 28);
  return dateOf(year, m, d);
}
function addDays(dt, n) {
  const t = new Date(Date.UTC(dt.y, dt.m - 1, dt.d) + n * 86400000);
  return dateOf(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}
const pad = (n) => String(n).padStart(2, '0');
const iso = (dt) => `${dt.y}-${pad(dt.m)}-${pad(dt.d)}`;
const us = (dt) => `${pad(dt.m)}/${pad(dt.d)}/${dt.y}`;
const eu = (dt) => `${pad(dt.d)}/${pad(dt.m)}/${dt.y}`;
const de = (dt) => `${pad(dt.d)}.${pad(dt.m)}.${dt.y}`;
const longUs = (dt) => `${MONTHS[dt.m - 1]} ${dt.d}, ${dt.y}`;
const longEu = (dt) => `${dt.d} ${MONTHS[dt.m - 1]} ${dt.y}`;
const shortMon = (dt) => `${pad(dt.d)}-${MON3[dt.m - 1]}-${dt.y}`;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const weekday = (dt) => WEEKDAYS[new Date(Date.UTC(dt.y, dt.m - 1, dt.d)).getUTCDay()];

// ---------------------------------------------------------------- tiers and the response simulator
/** The default ladder (DEFAULT_TIERS in src/config/schema.ts), cheapest first. */
const TIERS = [
  {
    name: 'cheap',
    model: 'us.amazon.nova-lite-v1:0',
    charsPerToken: 4.1,
    msgOverhead: 3,
    ttft: [220, 520],
    msPerToken: 4.5,
    fail: { easy: 0.07, moderate: 0.3, hard: 0.64 },
    conf: { right: 0.86, wrong: 0.74, sd: 0.09 },
  },
  {
    name: 'mid',
    model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    charsPerToken: 3.6,
    msgOverhead: 7,
    ttft: [380, 900],
    msPerToken: 7.5,
    fail: { easy: 0.02, moderate: 0.11, hard: 0.33 },
    conf: { right: 0.9, wrong: 0.64, sd: 0.08 },
  },
  {
    name: 'frontier',
    model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    charsPerToken: 3.6,
    msgOverhead: 7,
    ttft: [750, 1700],
    msPerToken: 14,
    fail: { easy: 0.005, moderate: 0.035, hard: 0.13 },
    conf: { right: 0.93, wrong: 0.58, sd: 0.07 },
  },
];
const DIFFS = ['easy', 'moderate', 'hard'];

/** Whether each tier gets the item wrong: one latent difficulty per item, mostly shared across tiers. */
function failures(r, difficulty, scale) {
  const u = r.next();
  const out = {};
  for (const t of TIERS) {
    const x = r.chance(0.75) ? u : r.next();
    out[t.name] = x < Math.min(0.97, t.fail[difficulty] * (scale[t.name] ?? 1));
  }
  return out;
}

function usageOf(tier, item, output) {
  const msgs = item.messages ?? [{ role: 'user', content: item.prompt }];
  const inChars = (item.system?.length ?? 0) + msgs.reduce((s, m) => s + m.content.length, 0);
  const inputTokens = Math.ceil(inChars / tier.charsPerToken) + tier.msgOverhead * (msgs.length + (item.system ? 1 : 0));
  const outputTokens = Math.max(1, Math.round(output.length / tier.charsPerToken) + (tier.name === 'cheap' ? 0 : 1));
  return { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

function latencyOf(r, tier, usage) {
  const ttft = r.float(tier.ttft[0], tier.ttft[1]) + usage.inputTokens * 0.05;
  const gen = usage.outputTokens * tier.msPerToken * Math.exp(r.normal(0, 0.15));
  const tail = r.chance(0.03) ? r.float(1.8, 3.2) : 1;
  return Math.round((ttft + gen) * tail);
}

function confidenceOf(r, tier, difficulty, wrong) {
  const d = DIFFS.indexOf(difficulty);
  const base = wrong ? tier.conf.wrong - 0.03 * d : tier.conf.right - 0.045 * d;
  return Math.round(clamp(base + r.normal(0, wrong ? tier.conf.sd * 1.5 : tier.conf.sd), 0.05, 0.99) * 100) / 100;
}

function recordingLine(r, tier, item, output, difficulty, wrong) {
  const usage = usageOf(tier, item, output);
  return {
    itemId: item.id,
    tier: tier.name,
    model: tier.model,
    output,
    usage,
    latencyMs: latencyOf(r, tier, usage),
    confidence: confidenceOf(r, tier, difficulty, wrong),
    sampleData: true,
  };
}

/**
 * Writes a dataset: header + items, and one recording file per tier.
 * `built` = [{ item, difficulty, respond(tier, wrong, r) → output }].
 */
function writeDataset(id, header, built, readme, scale = {}) {
  const dir = join(OUT, id);
  mkdirSync(join(dir, 'recordings'), { recursive: true });
  const lines = [JSON.stringify(header), ...built.map((b) => JSON.stringify(b.item))];
  writeFileSync(join(dir, 'dataset.jsonl'), `${lines.join('\n')}\n`);
  const fr = new Rand(`${id}:failures`);
  const fails = built.map((b) => failures(fr, b.difficulty, scale));
  const stats = {};
  const byDiff = Object.fromEntries(DIFFS.map((d) => [d, built.filter((b) => b.difficulty === d).length]));
  for (const tier of TIERS) {
    const r = new Rand(`${id}:${tier.name}`);
    const rec = built.map((b, i) => {
      const wrong = fails[i][tier.name];
      const output = b.respond(tier, wrong, r);
      return JSON.stringify(recordingLine(r, tier, b.usageItem ?? b.item, output, b.difficulty, wrong));
    });
    writeFileSync(join(dir, 'recordings', `${tier.name}.jsonl`), `${rec.join('\n')}\n`);
    stats[tier.name] = fails.filter((f) => !f[tier.name]).length / built.length;
    intent[id] ??= {};
    intent[id][tier.name] = Object.fromEntries(built.map((b, i) => [b.item.id, fails[i][tier.name] ? 'wrong' : 'right']));
  }
  writeFileSync(join(dir, 'README.md'), readme({ n: built.length, byDiff }));
  process.stdout.write(`${id}: ${built.length} items ${JSON.stringify(byDiff)}; intended right answers ${Object.entries(stats).map(([t, s]) => `${t} ${(s * 100).toFixed(1)}%`).join(', ')}\n`);
}

// ================================================================ support-triage
const LABELS = ['billing', 'refund', 'shipping', 'technical', 'account', 'cancellation', 'fraud', 'feedback'];

const TRIAGE_SYSTEM = `You are the support triage assistant for an online company. Read the customer's ticket and assign exactly one category:
- billing: invoices, receipts, charges the customer wants explained, prices, plan changes, payment methods, failed payments
- refund: the customer wants money back (returns for a refund, refunds, price adjustments, refund status)
- shipping: delivery status, delays, missing or lost packages, tracking, delivery addresses of orders
- technical: the product, app or website malfunctions (errors, crashes, bugs, sync or performance problems)
- account: login and access, passwords, two-factor authentication, profile details, users and permissions, merging or deleting accounts, personal data requests
- cancellation: ending a subscription, membership or auto-renewal, or cancelling an order, without asking for money back
- fraud: charges, orders or account activity the customer did not make or authorize, stolen cards, phishing
- feedback: compliments, complaints or suggestions that ask for no specific action
If the ticket raises several issues, choose the one the customer most needs us to act on. Unauthorized activity is always fraud. A request for money back is refund, even when the ticket also reports a delivery or product problem or asks to cancel.
Answer with the category name only.`;

const NEIGHBORS = {
  billing: ['refund', 'fraud', 'account'],
  refund: ['billing', 'shipping', 'cancellation'],
  shipping: ['refund', 'cancellation', 'technical'],
  technical: ['account', 'feedback'],
  account: ['technical', 'fraud'],
  cancellation: ['refund', 'billing', 'account'],
  fraud: ['billing', 'account', 'refund'],
  feedback: ['technical', 'shipping', 'cancellation'],
};

const WHY = {
  billing: ['The customer has a question about a charge or their invoice.', 'This concerns pricing and how the customer is billed.', 'The request is about payment details and invoices.'],
  refund: ['The customer is asking for their money back.', 'The customer wants the charge returned.', 'This is a request to be refunded.'],
  shipping: ['The customer is asking where their delivery is.', 'The issue is with the delivery of the order.', 'This is about a package in transit.'],
  technical: ['The customer reports that the product is malfunctioning.', 'This describes a bug or error that needs fixing.', 'Something in the app or website is not working.'],
  account: ['The request concerns access to or settings of the customer\'s profile.', 'This is about managing the customer\'s login and profile.', 'The customer needs a change to their profile or access.'],
  cancellation: ['The customer wants to stop their subscription or order.', 'This is a request to end the service.', 'The customer does not want to continue.'],
  fraud: ['The customer reports activity they did not authorize.', 'This looks like unauthorized use or a scam attempt.', 'The customer did not make these charges.'],
  feedback: ['The customer is sharing their opinion without requesting action.', 'This is a suggestion or comment about the service.', 'The customer is giving feedback on their experience.'],
};

const COMPANIES = [
  { kind: 'store', name: 'Kestrel Home', sub: 'Kestrel Plus membership', subShort: 'Kestrel Plus', subPrice: 9.99, annual: 99, app: 'the Kestrel app', orderPrefix: 'KH', section: 'my orders page', feature: 'room planner', agent: 'Dana', descriptor: 'KSTRL*ECOM 8812' },
  { kind: 'streaming', name: 'Tunewave', sub: 'Tunewave Premium subscription', subShort: 'Premium', subPrice: 11.99, annual: 119, app: 'the Tunewave app', orderPrefix: 'TW', section: 'the Library tab', feature: 'daily mix', agent: 'Marco', descriptor: 'TWV DIGITAL SVCS' },
  { kind: 'saas', name: 'Ledgerly', sub: 'Ledgerly Growth plan', subShort: 'Growth plan', subPrice: 49, annual: 490, app: 'the Ledgerly dashboard', orderPrefix: 'LG', section: 'the Reports page', feature: 'cash-flow forecast', agent: 'Priyanka', descriptor: 'LDGRLY SAAS IE' },
];
const PRODUCTS = ['standing desk lamp', 'set of linen sheets', 'cast-iron skillet', 'blender', 'wool area rug', 'oak bookshelf', 'air purifier', 'coffee grinder', 'duvet cover', 'bath towel set', 'office chair', 'ceramic planter', 'dining chair pair', 'cordless vacuum', 'espresso machine'];
const DEVICES = ['iPhone 15', 'Pixel 8', 'Samsung Galaxy tablet', 'MacBook', 'Windows laptop', 'iPad', 'Android phone'];
const CITIES = ['Memphis', 'Reno', 'Columbus', 'Tacoma', 'Louisville', 'Fresno', 'Tulsa', 'Omaha', 'Raleigh', 'Boise'];
const ERRORS = ['error 502', 'ERR_SYNC_409', '"Something went wrong (code 1034)"', 'a blank white screen', '"Session invalid, please retry"', 'error E-221'];
const INTEGRATIONS = ['QuickBooks', 'Google Drive', 'Slack', 'Shopify', 'Xero', 'my bank feed'];

function ctxFor(r, co) {
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const amt = round2(r.int(18, 320) + r.pick([0, 0.99, 0.5, 0.49, 0.95]));
  const dt = randomDate(r);
  return {
    co,
    first,
    full: `${first} ${last}`,
    email: `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${last.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}@${r.pick(['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'proton.me'])}`,
    order: `#${co.orderPrefix}-${r.digits(6)}`,
    product: r.pick(PRODUCTS),
    amt: money(amt),
    amt2: money(round2(amt * r.float(0.1, 0.3))),
    sub: co.sub,
    subShort: co.subShort,
    price: money(co.subPrice),
    newPrice: money(round2(co.subPrice * 1.2)),
    annual: money(co.annual),
    day: r.pick(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']),
    date: `${MONTHS[dt.m - 1]} ${dt.d}`,
    month: MONTHS[dt.m - 1],
    d1: r.int(1, 9),
    d2: r.int(11, 27),
    last4: r.digits(4),
    device: r.pick(DEVICES),
    city: r.pick(CITIES),
    home: r.pick(CITIES),
    err: r.pick(ERRORS),
    integ: r.pick(INTEGRATIONS),
    years: r.int(2, 9),
    n: r.int(2, 5),
  };
}

// Each template: d = difficulty, kinds = companies it fits (default all), alt = plausible wrong labels, t = (v, r) => [subject, body].
const T = {
  billing: [
    { d: 'easy', t: (v) => [`Question about my ${v.month} invoice`, `I was looking at my invoice for ${v.month} and there is a line called "service adjustment" for $${v.amt2}. {Can you explain what this charge is for?|What is this charge exactly?|I don't remember agreeing to that, what is it?}`] },
    { d: 'easy', t: (v) => ['Invoice copy needed', `Could you send me a PDF invoice for my last payment of $${v.amt}? I need it for my expense report and the {billing page|account page} only shows the amount.`] },
    { d: 'easy', t: (v) => ['Price went up?', `My ${v.subShort} used to cost $${v.price} and this month I was billed $${v.newPrice}. {Did the price change?|Was there a price increase?} I didn't see any notice about it.`], kinds: ['streaming', 'saas', 'store'] },
    { d: 'easy', t: (v) => ['Payment keeps failing', `My payment keeps failing when I try to renew my ${v.subShort}. The card works everywhere else. {Which payment methods do you accept?|Can I pay with PayPal instead?}`] },
    { d: 'easy', t: (v) => ['Update card on file', `I'd like to update the card on file for my ${v.sub}. The old card ending in ${v.last4} expired last month. Where do I {do this|change it}?`] },
    { d: 'moderate', t: (v) => ['VAT number on invoices', `Our accounting team needs the ${v.co.name} invoices to show our company name and VAT number. Right now the PDFs only show my personal name. Can that be fixed going forward?`], alt: ['account'] },
    { d: 'moderate', t: (v) => ['Monthly to annual', `If I switch from monthly to annual today, do I get credit for the rest of this month or do I pay the full $${v.annual} on top of what I already paid?`], alt: ['refund', 'cancellation'] },
    { d: 'moderate', t: (v) => ['Amount doesn\'t match', `The amount on my bank statement doesn't match what your site showed at checkout ($${v.amt}). The bank shows a slightly higher number in my local currency. Why is there a difference?`], alt: ['refund', 'fraud'] },
    { d: 'moderate', t: (v) => ['Student discount', `I'm on the student discount, but my last two statements show the regular price of $${v.newPrice}. Did my discount expire or is something wrong on your end?`], alt: ['refund', 'technical'], kinds: ['streaming', 'saas'] },
    { d: 'moderate', t: (v) => ['Seat charges', `We added ${v.n} seats in the middle of the month. The next invoice preview shows a prorated amount of $${v.amt} that I can't reconcile with the per-seat price. Could someone walk me through the math?`], kinds: ['saas'] },
    { d: 'hard', t: (v) => ['Two charges this month', `I was charged $${v.price} on the ${v.d1}th and again $${v.price} on the ${v.d2}th. I'm not asking for money back yet, I just need to know which charge covers which period because my accountant is asking. Also {your app|the app} logged me out twice today, not a big deal.`], alt: ['refund', 'technical'] },
    { d: 'hard', t: (_v) => ['Plan change invoice', `I thought someone had used my card, but I found out it was my daughter who upgraded us to the Family plan, so the charge is legit. Now I need an invoice that shows the plan change and the prorated amount, and I'd like to know what we'll be charged next month.`], alt: ['fraud', 'account'], kinds: ['streaming'] },
    { d: 'hard', t: (v) => ['Renewal date', `Cancel? No. I want to keep my ${v.subShort}, but can you move the renewal date from the 1st to the 15th? That's when I get paid and the charge keeps bouncing.`], alt: ['cancellation', 'account'] },
    { d: 'hard', t: (v) => ['Corrected invoice after refund', `Your refund of $${v.amt2} for order ${v.order} came through, thanks. But the invoice for that order still shows the full amount of $${v.amt}, and I need a corrected invoice for my books.`], alt: ['refund'], kinds: ['store'] },
  ],
  refund: [
    { d: 'easy', t: (v) => [`Refund for order ${v.order}`, `I returned the ${v.product} last week. The return label shows it was delivered to your warehouse on ${v.date}. When will I get my refund?`], kinds: ['store'] },
    { d: 'easy', t: (v) => ['Refund request', `I'd like a refund for the ${v.product}. It's not what I expected and I haven't used it. Order ${v.order}.`], kinds: ['store'] },
    { d: 'easy', t: (v) => ['Damaged item - money back', `The ${v.product} arrived broken. I don't want a replacement, just my money back please. Order ${v.order}.`], kinds: ['store'], alt: ['shipping'] },
    { d: 'easy', t: (v) => ['Refund for accidental renewal', `My ${v.subShort} renewed this morning for $${v.annual} and I meant to let it lapse. I haven't used it since. Can I get a refund?`], kinds: ['streaming', 'saas'], alt: ['cancellation'] },
    { d: 'easy', t: (v) => ['Where is my refund', `It's been 10 business days since you approved my refund and I still don't see the $${v.amt} on my card. Can you check on it?`] },
    { d: 'moderate', t: (v) => ['Not as described', `The ${v.product} was listed as solid oak, but what arrived is clearly veneer over particle board. That's not what I paid $${v.amt} for. I'd like this made right financially; I'm happy to send it back.`], kinds: ['store'], alt: ['feedback', 'shipping'] },
    { d: 'moderate', t: (v) => ['Cancelled order still charged', `You cancelled my order ${v.order} because it was out of stock, but the $${v.amt} still shows on my card as a completed charge, not pending. When does that money come back?`], kinds: ['store'], alt: ['cancellation', 'billing'] },
    { d: 'moderate', t: (v) => ['Price adjustment', `The ${v.product} dropped in price two days after I bought it. Do you do price adjustments? I'd like the $${v.amt2} difference back.`], kinds: ['store'], alt: ['billing'] },
    { d: 'moderate', t: (v) => ['Express shipping fee', `I paid for express shipping and the order took 9 days, same as standard. I'd like the $${v.amt2} shipping fee returned.`], kinds: ['store'], alt: ['shipping'] },
    { d: 'moderate', t: (v) => ['Trial charge', `I forgot to cancel the free trial and got charged $${v.price} yesterday. I haven't opened the app once. Could you reverse that charge?`], kinds: ['streaming', 'saas'], alt: ['cancellation', 'billing'] },
    { d: 'hard', t: (v) => ['Worst experience', `My package was two weeks late, the box was crushed, and the ${v.product} inside has a cracked base. I've been a customer for ${v.years} years and this is the worst experience I've had. I don't want a replacement at this point, just reverse the charge.`], kinds: ['store'], alt: ['shipping', 'feedback', 'fraud'] },
    { d: 'hard', t: (v) => ['Cancel and refund', `Please cancel my ${v.subShort} and refund the $${v.price} renewal that went through yesterday. I meant to cancel before it renewed.`], alt: ['cancellation'] },
    { d: 'hard', t: (v) => ['Annual charge after switching', `I switched to monthly billing last week, but the annual charge of $${v.annual} still went through on the renewal date. I'm not disputing anything with my bank, just return the difference please.`], kinds: ['streaming', 'saas'], alt: ['billing', 'fraud'] },
    { d: 'hard', t: (v) => ['Stopped working', `The ${v.product} stopped working after 3 weeks; the motor just hums. I already tried the reset steps from your help page twice. I'm done troubleshooting, I want to return it and get my money back.`], kinds: ['store'], alt: ['technical'] },
  ],
  shipping: [
    { d: 'easy', t: (v) => [`Where is order ${v.order}?`, `My order was supposed to arrive on ${v.day} and the tracking hasn't updated in 4 days. Where is it?`] },
    { d: 'easy', t: (v) => ['Change delivery address', `Can I change the delivery address for order ${v.order}? The confirmation email says it hasn't shipped yet.`], alt: ['account'] },
    { d: 'easy', t: (v) => ['Marked delivered, not here', `Tracking says my order ${v.order} was delivered, but there's nothing here. I checked with the neighbors and the front desk.`] },
    { d: 'easy', t: (v) => ['Delivery time', `How long does delivery to ${v.city} usually take? I need the ${v.product} before the 20th.`] },
    { d: 'easy', t: (v) => ['Missing box', `My order arrived but one of the two boxes is missing. Order ${v.order} says 2 packages.`] },
    { d: 'moderate', t: (_v) => ['Attempted delivery??', `I was home all day and the courier apparently "attempted delivery" at 2:14pm. No knock, no note. Now it says the parcel is going back to the depot. What do I do?`], alt: ['feedback'] },
    { d: 'moderate', t: (v) => ['New date?', `The email said my ${v.product} would come on ${v.day}. It's now a week later. I'm not upset, I just need to plan. Is there a new date?`] },
    { d: 'moderate', t: (v) => ['Only one tracking number', `I ordered three things in one order, but only the ${v.product} has a tracking number. Are the others coming separately or did something get lost?`] },
    { d: 'moderate', t: (_v) => ['Moving house', `I'm moving on the 14th and two of my orders are still in transit. Can they be redirected to my new place, or should I wait at the old one?`], alt: ['account'] },
    { d: 'moderate', t: (v) => ['Parcels left in the rain', `The box showed up soaking wet. The ${v.product} inside is fine, but the courier always leaves parcels in the open. Can you make sure future deliveries are left under cover?`], alt: ['feedback'] },
    { d: 'hard', t: (v) => ['Need it by Saturday', `Before you suggest a refund: I don't want one. I need the ${v.product} for my sister's wedding on Saturday and tracking says it's stuck in ${v.city}. Can you get it moving or send a replacement by express?`], alt: ['refund'] },
    { d: 'hard', t: (v) => ['Label created for 8 days', `I was about to cancel order ${v.order} because it's taking forever, but I'd honestly rather have it. Can you tell me where it actually is? Tracking has shown "label created" for 8 days.`], alt: ['cancellation'] },
    { d: 'hard', t: (v) => ['App says delivered', `Your app shows my order ${v.order} as delivered but the courier's own site says "in transit - delayed". Is your app wrong or is my package lost?`], alt: ['technical'] },
    { d: 'hard', t: (v) => ['Went to my old address', `Not a complaint about the product, the ${v.product} is lovely. The problem is that it went to my old address even though I updated it in my profile before ordering. Can you get the courier to collect it and bring it to the right address?`], alt: ['account', 'feedback'] },
  ],
  technical: [
    { d: 'easy', t: (v) => ['App crashing', `${cap(v.co.app)} crashes every time I open ${v.co.section} on my ${v.device}. I've already reinstalled it.`] },
    { d: 'easy', t: (v) => ['Error message', `I get ${v.err} when I try to {log in|save my changes|open my history}. It started this morning.`], alt: ['account'] },
    { d: 'easy', t: (_v) => ['Checkout button broken', `The checkout button on your website doesn't do anything when I click it. I tried Chrome and Firefox.`], kinds: ['store'] },
    { d: 'easy', t: (v) => [`${v.integ} sync failing`, `I can't connect ${v.co.name} to ${v.integ}. The sync fails with "token invalid" every time.`], kinds: ['saas'] },
    { d: 'easy', t: (v) => ['Offline downloads broken', `Downloaded songs won't play offline on my ${v.device}. They show a grey cloud icon and skip.`], kinds: ['streaming'] },
    { d: 'moderate', t: (_v) => ['Everything is slow', `Since the update yesterday everything is in slow motion: pages take 20+ seconds to load and half the images never show. My internet is fine, every other site works.`], alt: ['feedback'] },
    { d: 'moderate', t: (v) => ['Signed out constantly', `${cap(v.co.app)} signs me out every few minutes on my ${v.device}, so I have to type my password constantly. It only started after I updated the OS.`], alt: ['account'] },
    { d: 'moderate', t: (_v) => ['Report totals wrong', `The numbers in the monthly report don't add up: the total row is lower than the sum of the rows above it. Looks like a calculation problem on your side.`], kinds: ['saas'], alt: ['billing'] },
    { d: 'moderate', t: (v) => ['No notifications', `Notifications stopped. I used to get alerts about my ${v.co.kind === 'store' ? 'deliveries' : 'account activity'} and now nothing, even though they're switched on in both the app and the phone settings.`], alt: ['account', 'shipping'] },
    { d: 'moderate', t: (v) => ['Downloads vanish', `My downloads show as complete, but the ${v.device} says nothing is saved. Storage isn't full.`], kinds: ['streaming'] },
    { d: 'hard', t: (_v) => ['Verification code expired', `I get the verification code email, but when I type it in it says "expired", every single time, even when I enter it within seconds. I've requested a new one about ten times.`], alt: ['account'] },
    { d: 'hard', t: (_v) => ['Return QR code', `I'm trying to start a return, but when I scan the QR code on the packing slip the page it opens says 404. I've tried on two phones.`], kinds: ['store'], alt: ['refund', 'shipping'] },
    { d: 'hard', t: (_v) => ['CSV import', `Honestly your product is great and I've recommended it to everyone, but the last two releases broke CSV import: any file with accents in names (like José) comes in as garbage characters. Can this be fixed?`], kinds: ['saas'], alt: ['feedback'] },
    { d: 'hard', t: (v) => ['Paid but still free tier', `I was charged for ${v.subShort} but the app still shows me as a free user with ads and limits. The payment went through fine on my side. I don't want a refund, I want what I'm paying for to work.`], kinds: ['streaming', 'saas'], alt: ['billing', 'refund'] },
  ],
  account: [
    { d: 'easy', t: (v) => ['Change email address', `How do I change the email address on my account to ${v.email}? The old one is a work address I'm about to lose.`] },
    { d: 'easy', t: () => ['Delete my account', `Please delete my account and all of the data associated with it.{| I won't be using it again.| Confirm by email please.}`], alt: ['cancellation'] },
    { d: 'easy', t: () => ['Locked out', `I'm locked out after too many password attempts. How long until I can try again?`], alt: ['technical'] },
    { d: 'easy', t: () => ['Two-factor authentication', `How do I turn on two-factor authentication for my login? {I'd like an authenticator app rather than SMS.|}`] },
    { d: 'easy', t: () => ['Name change', `I got married and my profile still shows my old surname. How do I change the name on it?`] },
    { d: 'moderate', t: (v) => ['Two accounts', `I have two accounts by accident, one with my work email and one with ${v.email}. Can you merge them so my history is in one place?`] },
    { d: 'moderate', t: () => ['Old phone number', `My old phone number is attached for verification and I don't have that number anymore. How do I get back in?`], alt: ['technical', 'fraud'] },
    { d: 'moderate', t: () => ['Data request', `Under GDPR I'd like a copy of all the personal data you hold about me.`], alt: ['feedback'] },
    { d: 'moderate', t: () => ['Transfer ownership', `I'm leaving the company and my business partner will keep using the workspace. Can the account ownership be transferred to her?`], kinds: ['saas'], alt: ['cancellation'] },
    { d: 'moderate', t: () => ['Wrong profile on tablet', `When I open the app on the family tablet it shows my son's profile and his playlists instead of mine. How do I switch back to my own profile there?`], kinds: ['streaming'], alt: ['technical'] },
    { d: 'hard', t: () => ['Login alert', `I got an email saying my password was changed, but that was me, an hour ago, from my new laptop. I just want to confirm the alert is because of that, and also stop being logged out on my phone every time I change something.`], alt: ['fraud', 'technical'] },
    { d: 'hard', t: () => ['Remove secondary user', `Before I cancel anything: I want to remove my ex's email as a member of our Family plan and make sure she can't see my listening history anymore.`], kinds: ['streaming'], alt: ['cancellation', 'fraud'] },
    { d: 'hard', t: () => ['Delete button spins', `The "delete account" button just shows a spinning wheel forever. I've tried three browsers. Can you delete my account on your side instead?`], alt: ['technical', 'cancellation'] },
    { d: 'hard', t: () => ['Employee left', `I'm the admin of our team workspace. An employee left last week and I need to remove her access and move her files to me, but I can't find where to do that.`], kinds: ['saas'], alt: ['fraud', 'technical'] },
  ],
  cancellation: [
    { d: 'easy', t: (v) => ['Cancel subscription', `Please cancel my ${v.sub}. I don't need it anymore.`] },
    { d: 'easy', t: () => ['Auto-renewal', `How do I turn off auto-renewal{| on my plan| for my subscription}? {I can't find it in the settings.|}`], alt: ['account', 'billing'] },
    { d: 'easy', t: (v) => [`Cancel order ${v.order}`, `Please cancel order ${v.order}, I ordered the wrong {size|colour|model}. It hasn't shipped yet.`], kinds: ['store'] },
    { d: 'easy', t: () => ['End subscription', `I'd like to end my subscription at the end of this billing period.`] },
    { d: 'easy', t: () => ['Cancel membership', `{Cancel my membership please.|Please cancel my membership, effective immediately.|I want to cancel my membership.}`], kinds: ['store'] },
    { d: 'moderate', t: (v) => ['Closing the business', `We're closing the business at the end of the month, so we won't need ${v.co.name} after that. What do I need to do on my end?`], alt: ['account'] },
    { d: 'moderate', t: () => ['Moving abroad', `I'm moving abroad to a country where your service isn't available. I'd like to stop everything before the next renewal.`], alt: ['account'] },
    { d: 'moderate', t: (v) => ['Don\'t send it', `I found the same ${v.product} cheaper in a local shop, so I won't need the one I ordered this morning. Can you stop it before it goes out?`], kinds: ['store'], alt: ['shipping', 'refund'] },
    { d: 'moderate', t: () => ['Trial ending', `My trial ends Friday and I don't plan to continue. Just making sure I won't be charged.`], alt: ['billing'] },
    { d: 'moderate', t: () => ['Renewal emails', `I keep getting emails that my plan renews on the 1st. Please make sure it doesn't.`], alt: ['billing'] },
    { d: 'hard', t: () => ['Done with it', `The app has been crashing for weeks and nobody has fixed it. I'm done. Close out my subscription; I don't need a refund for this month, just make sure I'm not billed again.`], alt: ['technical', 'refund'] },
    { d: 'hard', t: () => ['Confusing price email', `I want to cancel my subscription. Also, the price increase email was confusing: it said "effective next cycle" but I'd already been charged the new price. Whatever, just cancel it.`], alt: ['billing', 'feedback'] },
    { d: 'hard', t: (v) => ['Too late', `Order ${v.order}: the delivery date moved to next month. That's too late for me, so please don't send it at all. If it has already shipped I'll refuse the package.`], kinds: ['store'], alt: ['shipping', 'refund'] },
    { d: 'hard', t: (v) => ['Duplicate subscription', `My husband set up a second ${v.subShort} on my card without realizing we already had one. It's not unauthorized, he's allowed to use the card, but we only need one, so please shut down the one under ${v.email}.`], kinds: ['streaming', 'saas'], alt: ['fraud', 'refund'] },
  ],
  fraud: [
    { d: 'easy', t: (v) => ['Charge I didn\'t make', `There's a charge of $${v.amt} from ${v.co.name} on my card that I didn't make. I don't even have an account with you!`] },
    { d: 'easy', t: (v) => ['Order I didn\'t place', `Someone logged into my account and placed an order I didn't make. Order ${v.order}.`], kinds: ['store'], alt: ['account'] },
    { d: 'easy', t: (v) => ['Is this a scam?', `I got an email from "${v.co.name} Security" asking me to confirm my card number. Is this a scam?`] },
    { d: 'easy', t: () => ['Stolen card', `My card was stolen and I can see it was used on your site. Please block any orders made with it.`] },
    { d: 'easy', t: (v) => ['Unauthorized purchase', `There's a purchase on my account for a ${v.product} that I never made.`], kinds: ['store'] },
    { d: 'moderate', t: (v) => ['Address changed', `Something weird: the shipping address on my account was changed to somewhere in ${v.city}, and there's an order going there. I live in ${v.home === v.city ? 'Austin' : v.home}.`], kinds: ['store'], alt: ['shipping', 'account'] },
    { d: 'moderate', t: (v) => ['Bank flagged a payment', `My bank flagged a $${v.amt} payment to ${v.co.name} as suspicious. I'm not sure what it is; I don't think it's mine.`], alt: ['billing'] },
    { d: 'moderate', t: () => ['Gift cards at 3am', `Three gift cards were bought with my saved card last night between 2 and 3am. I was asleep.`], kinds: ['store'], alt: ['refund'] },
    { d: 'moderate', t: () => ['Email changed', `Someone changed the email on my account, so I'm not getting any notifications anymore, and there are charges I don't recognise.`], alt: ['account'] },
    { d: 'moderate', t: (v) => ['Unknown plan', `There are two ${v.subShort} charges on my statement. I only ever signed up once and nobody else in my house uses it.`], kinds: ['streaming', 'saas'], alt: ['billing', 'refund'] },
    { d: 'hard', t: (v) => ['Entered my password on a link', `I got a text with a link to "confirm my ${v.co.name} delivery" and I entered my login on it before I realized. Now I can't sign in.`], alt: ['account', 'technical'] },
    { d: 'hard', t: (v) => ['Refund for the 12th', `I'd like a refund for the $${v.amt} charge on the 12th. I never ordered anything that day and I don't know what it's for.`], alt: ['refund', 'billing'] },
    { d: 'hard', t: () => ['Family plan added', `Please cancel the Family plan that was added to my account yesterday. I didn't add it and I don't know who did; only I have the password.`], kinds: ['streaming'], alt: ['cancellation', 'account'] },
    { d: 'hard', t: () => ['Weird device', `The app is acting weird: it shows a device called "DESKTOP-7QK2" in my sessions, and my playlists were renamed to things in another language. Is this a bug?`], kinds: ['streaming'], alt: ['technical', 'account'] },
  ],
  feedback: [
    { d: 'easy', t: (v) => ['Thank you!', `Just wanted to say thank you, the ${v.product} arrived early and it's perfect.`], kinds: ['store'] },
    { d: 'easy', t: (v) => ['Suggestion: dark mode', `Suggestion: please add a dark mode to ${v.co.app}. My eyes would thank you.`], alt: ['technical'] },
    { d: 'easy', t: (v) => ['Great support', `Your support agent ${v.co.agent} was incredibly helpful yesterday. Please pass on my thanks.`] },
    { d: 'easy', t: (v) => [`Love the ${v.co.feature}`, `The new ${v.co.feature} is great. Keep it up!`] },
    { d: 'easy', t: () => ['Feature request', `It would be nice if we could export reports straight to Excel instead of CSV.`], kinds: ['saas'], alt: ['technical'] },
    { d: 'moderate', t: (v) => ['Packaging', `Not a big deal, but the packaging is way oversized: a huge box full of air pillows for a small ${v.product}. Maybe rethink that for the environment's sake.`], kinds: ['store'], alt: ['shipping'] },
    { d: 'moderate', t: () => ['Pricing page', `The new pricing page is confusing. I figured it out eventually, just letting you know others might struggle with it.`], alt: ['billing'] },
    { d: 'moderate', t: (v) => ['Redesign', `I've been a customer for ${v.years} years. The recent redesign made it harder to find my history. Just my two cents.`], alt: ['technical'] },
    { d: 'moderate', t: () => ['Volume setting', `It would be great if the app remembered my volume setting between sessions.`], kinds: ['streaming'], alt: ['technical'] },
    { d: 'moderate', t: () => ['Phone number at checkout', `Checkout asks for my phone number and I'd rather not give it. Why is it required? Please consider making it optional.`], kinds: ['store'], alt: ['account'] },
    { d: 'hard', t: (v) => ['FYI about your courier', `I'm not asking for anything back: the delivery was late and the box was dented, but the ${v.product} works fine. I just think you should know your courier in ${v.city} is careless. No action needed.`], kinds: ['store'], alt: ['shipping', 'refund'] },
    { d: 'hard', t: (v) => ['Thinking about leaving', `${v.years} years with you and I'm thinking about leaving because of how slow the app has become. Not cancelling today, but please take this seriously.`], alt: ['cancellation', 'technical'] },
    { d: 'hard', t: (v) => ['Statement descriptor', `The charge on my statement shows up as "${v.co.descriptor}", which nobody would recognise. I almost reported it as fraud. You should change it to say ${v.co.name}.`], alt: ['fraud', 'billing'] },
    { d: 'hard', t: () => ['About last month', `Last time I contacted you about a billing error it took three weeks to fix. That's resolved now, but the process was painful. It would help to have a status page for open tickets and fewer handoffs between agents.`], alt: ['billing'] },
  ],
};

const GREETINGS = ['Hi,', 'Hello,', 'Hey there,', 'Hi team,', 'Good morning,', 'Hello support,', '', ''];
const SIGNOFFS = ['Thanks,\n{first}', 'Regards,\n{full}', '- {first}', 'Thank you,\n{full}', 'Cheers, {first}', '', 'Thanks in advance.'];
const CHANNELS = ['email', 'email', 'email', 'chat', 'form'];

function renderTicket(r, v, subject, body) {
  const channel = r.pick(CHANNELS);
  const fill = (s) => s.replace('{first}', v.first).replace('{full}', v.full);
  if (channel === 'chat') {
    const text = r.chance(0.35) ? body.toLowerCase().replace(/\.$/, '') : body;
    return `[chat] ${text}`;
  }
  if (channel === 'form') {
    return `Contact form - ${v.co.name}\nName: ${v.full}\nEmail: ${v.email}\nTopic: ${r.pick(['Other', 'General', 'My order', 'My account', 'Help'])}\nMessage: ${body}`;
  }
  const greet = r.pick(GREETINGS);
  const sign = fill(r.pick(SIGNOFFS));
  return [`Subject: ${subject}`, '', greet, greet ? '' : null, body, sign ? '' : null, sign || null].filter((x) => x !== null).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function triageAnswer(r, tier, label, wrong, others) {
  const why = r.pick(WHY[label]);
  if (tier.name === 'cheap') {
    if (wrong && others.length && r.chance(0.12)) return `${label}, ${others[0]}`;
    return r.weighted([
      [40, label],
      [18, `Category: ${label}`],
      [10, `**${label}**`],
      [16, `${label}\n\n${why}`],
      [16, `The ticket should be classified as ${label}.`],
    ]);
  }
  if (tier.name === 'mid') return r.weighted([[66, label], [24, `${label}\n\n${why}`], [10, `**${label}**`]]);
  return r.weighted([[82, label], [18, `${label}\n\n${why}`]]);
}

function buildTriage() {
  const r = new Rand('support-triage');
  const built = [];
  const perLabel = { easy: 9, moderate: 9, hard: 7 };
  const seen = new Set();
  for (const label of LABELS) {
    for (const d of DIFFS) {
      const pool = T[label].filter((t) => t.d === d);
      const order = r.shuffle(pool);
      for (let i = 0; i < perLabel[d]; i++) {
        const tpl = order[i % order.length];
        // physical deliveries only happen at the store
        const kinds = tpl.kinds ?? (label === 'shipping' ? ['store'] : undefined);
        const cos = COMPANIES.filter((c) => !kinds || kinds.includes(c.kind));
        const co = r.pick(cos);
        const v = ctxFor(r, co);
        // re-render until the ticket text is new (a template may come up twice)
        let prompt;
        for (let tries = 0; tries < 20 && (prompt === undefined || seen.has(prompt)); tries++) {
          const [subject, body] = tpl.t(v, r);
          prompt = renderTicket(r, v, vary(r, subject), vary(r, body));
        }
        seen.add(prompt);
        const alts = (tpl.alt ?? NEIGHBORS[label]).filter((l) => l !== label);
        built.push({ label, d, prompt, alts, co: co.name });
      }
    }
  }
  const shuffled = r.shuffle(built);
  return shuffled.map((b, i) => {
    const item = {
      id: `st-${String(i + 1).padStart(3, '0')}`,
      prompt: b.prompt,
      expected: b.label,
      task: 'support-triage',
      category: b.label,
      tags: [`difficulty:${b.d}`, `company:${b.co.toLowerCase().replace(/\s+/g, '-')}`, ...(b.d === 'hard' ? ['ambiguous'] : [])],
    };
    return {
      item: { ...item },
      usageItem: { ...item, system: TRIAGE_SYSTEM },
      difficulty: b.d,
      respond(tier, wrong, rr) {
        if (!wrong) return triageAnswer(rr, tier, b.label, false, []);
        const wrongLabel = b.d === 'hard' || rr.chance(0.7) ? rr.pick(b.alts) : rr.pick(LABELS.filter((l) => l !== b.label));
        return triageAnswer(rr, tier, wrongLabel, true, [b.label]);
      },
    };
  });
}

// ================================================================ doc-extraction
const EXTRACT_SYSTEM = 'You extract structured data from business documents. Reply with JSON only.';
const EXTRACT_RULES =
  'Rules: dates as YYYY-MM-DD; amounts as plain numbers without currency symbols or thousands separators; currency as a 3-letter ISO 4217 code; null when the document does not give a value.';

const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const DATE_OR_NULL = { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const CURRENCY = { type: 'string', pattern: '^[A-Z]{3}$' };
const NUM = { type: 'number' };
const STR = { type: 'string', minLength: 1 };
function objectSchema(props) {
  return { type: 'object', properties: props, required: Object.keys(props), additionalProperties: false };
}
const SCHEMAS = {
  invoice: objectSchema({ invoice_number: STR, vendor_name: STR, customer_name: STR, invoice_date: DATE, due_date: DATE_OR_NULL, currency: CURRENCY, subtotal: NUM, tax: NUM, total: NUM }),
  receipt: objectSchema({ merchant_name: STR, date: DATE, payment_method: { enum: ['card', 'cash', 'mobile', 'gift_card'] }, card_last4: { type: ['string', 'null'], pattern: '^\\d{4}$' }, currency: CURRENCY, subtotal: NUM, tax: NUM, tip: { type: ['number', 'null'] }, total: NUM }),
  shipping_notice: objectSchema({ carrier: STR, tracking_number: STR, order_number: STR, ship_date: DATE, estimated_delivery: DATE, recipient_name: STR, destination_city: STR, destination_postal_code: STR, package_count: { type: 'integer', minimum: 1 }, weight_kg: NUM }),
  contract: objectSchema({ provider_name: STR, client_name: STR, effective_date: DATE, term_months: { type: 'integer', minimum: 1 }, monthly_fee: NUM, currency: CURRENCY, auto_renew: { type: 'boolean' }, notice_days: { type: ['integer', 'null'] }, governing_law: STR }),
};
const FIELD_DOCS = {
  invoice: [
    'invoice_number (string)',
    'vendor_name (the company that issued the invoice)',
    'customer_name (the billed company or person)',
    'invoice_date',
    'due_date (compute it from payment terms such as "Net 30" when no date is printed)',
    'currency',
    'subtotal (before tax)',
    'tax (total tax amount)',
    "total (this invoice's total including tax; exclude previous balances, deposits and payments)",
  ],
  receipt: [
    'merchant_name',
    'date',
    'payment_method (one of "card", "cash", "mobile", "gift_card")',
    'card_last4 (last 4 digits of the payment card for card payments, else null)',
    'currency',
    'subtotal (before tax and tip)',
    'tax',
    'tip (the tip actually added, or null)',
    'total (the final amount charged, including tip)',
  ],
  shipping_notice: [
    'carrier',
    'tracking_number (string, as printed without spaces)',
    'order_number (string, without a leading "#")',
    'ship_date',
    'estimated_delivery (the latest estimate given)',
    'recipient_name',
    'destination_city',
    'destination_postal_code (string)',
    'package_count (integer)',
    'weight_kg (total weight of all packages in kilograms, 2 decimals)',
  ],
  contract: [
    'provider_name',
    'client_name',
    'effective_date',
    'term_months (initial term in months, integer)',
    'monthly_fee (the current monthly fee; apply any amendment in the document)',
    'currency',
    'auto_renew (boolean)',
    'notice_days (notice period in days for termination or non-renewal, or null)',
    'governing_law (the state, province or country named, without "State of"/"Province of", e.g. "Delaware")',
  ],
};
const DOC_LABEL = { invoice: 'invoice', receipt: 'receipt', shipping_notice: 'shipping notice', contract: 'contract' };

function extractionPrompt(type, doc) {
  return `Extract the fields below from the ${DOC_LABEL[type]} and reply with a single JSON object, nothing else.\n\nFields:\n${FIELD_DOCS[type].map((f) => `- ${f}`).join('\n')}\n\n${EXTRACT_RULES}\n\nDocument:\n"""\n${doc}\n"""`;
}

const fmtDe = (x) => x.toLocaleString('de-DE', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const fmtFr = (x) => x.toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).replace(/\u202f|\u00a0/g, ' ');
const col = (label, value, width = 34) => `${label}${' '.repeat(Math.max(1, width - label.length - value.length))}${value}`;

// ---------------------------------------------------------------- invoices
const INVOICE_VENDORS = [
  { name: 'Brightline Print Co.', addr: '1200 Market St, Suite 400, Denver, CO 80202', loc: 'US', currency: 'USD', taxName: 'Sales Tax', rate: 0.0825, items: [['Business cards, 500 ct', 45], ['Tri-fold brochures, 250 ct', 189.5], ['Vinyl banner 3x6 ft', 84], ['Letterhead, 1000 sheets', 132.75], ['Design proof revisions (hr)', 65]] },
  { name: 'Harbor & Pine Consulting LLC', addr: '88 Wharf Rd, Portland, ME 04101', loc: 'US', currency: 'USD', taxName: 'Sales Tax', rate: 0.055, items: [['Strategy workshop (day)', 2400], ['Advisory hours', 175], ['Market research report', 3200], ['Travel expenses', 412.38]] },
  { name: 'Summit IT Services Inc.', addr: '4500 Lakeshore Dr, Chicago, IL 60611', loc: 'US', currency: 'USD', taxName: 'Sales Tax', rate: 0.1025, items: [['Managed services, monthly', 1450], ['Laptop setup and imaging', 120], ['Firewall license renewal', 899], ['On-site support (hr)', 135]] },
  { name: 'Copperleaf Web Studio', addr: '310 Alder Ave, Austin, TX 78704', loc: 'US', currency: 'USD', taxName: 'Sales Tax', rate: 0.0825, items: [['Website redesign, milestone 2', 3750], ['Hosting, annual', 240], ['Copywriting (hr)', 85], ['SEO audit', 950]] },
  { name: 'Thames Valley Joinery Ltd', addr: 'Unit 4, Kennet Park, Reading RG1 3DW', loc: 'UK', currency: 'GBP', taxName: 'VAT', rate: 0.2, items: [['Oak shelving, bespoke', 1280], ['Fitting labour (hr)', 42], ['Skirting boards, per m', 18.5], ['Site survey', 95]] },
  { name: 'Müller Elektrotechnik GmbH', addr: 'Industriestraße 12, 70565 Stuttgart', loc: 'DE', currency: 'EUR', taxName: 'MwSt.', rate: 0.19, items: [['Kabelinstallation (Std.)', 68], ['Sicherungskasten, Austausch', 640], ['Wallbox 11 kW inkl. Montage', 1390], ['Prüfprotokoll E-Check', 149]] },
  { name: 'Atelier Lumière SARL', addr: '14 rue des Tanneurs, 69002 Lyon', loc: 'FR', currency: 'EUR', taxName: 'TVA', rate: 0.2, items: [['Étude d\'éclairage', 1800], ['Suspension laiton (unité)', 420], ['Pose et raccordement (h)', 55], ['Déplacement', 60]] },
  { name: 'Maple Ridge Logistics Ltd.', addr: '250 Front St W, Toronto, ON M5V 3G5', loc: 'CA', currency: 'CAD', taxName: 'HST', rate: 0.13, items: [['Pallet storage, monthly', 38], ['Freight, Toronto to Montreal', 1265], ['Pick and pack (order)', 2.85], ['Liftgate service', 95]] },
];
const CUSTOMERS = ['Carver & Sons Bakery', 'Northgate Dental Group', 'Bluefin Analytics Ltd', 'Ridgeway Primary School', 'Okafor Family Trust', 'Lumen Yoga Studio', 'Pinecrest Veterinary Clinic', 'Halvorsen Architects', 'Sable & Co. Interiors', 'Westbrook Community Center', 'Quayside Dental Practice', 'Birchwood Property Management'];

function lineItems(r, v) {
  const n = r.int(1, 4);
  const picked = r.shuffle(v.items).slice(0, n);
  return picked.map(([desc, unit]) => {
    const qty = unit > 500 ? r.int(1, 2) : r.int(1, 12);
    return { desc, qty, unit, amount: round2(qty * unit) };
  });
}

function buildInvoice(r, difficulty) {
  const features = new Set();
  let vendors = INVOICE_VENDORS.filter((v) => (difficulty === 'easy' ? v.loc === 'US' || v.loc === 'UK' : true));
  if (difficulty !== 'easy' && r.chance(0.45)) {
    vendors = INVOICE_VENDORS.filter((v) => v.loc === 'DE' || v.loc === 'FR');
  }
  const v = r.pick(vendors);
  if (v.loc === 'DE' || v.loc === 'FR') features.add('decimal_comma');
  const customer = r.pick(CUSTOMERS);
  const items = lineItems(r, v);
  const subtotal = round2(items.reduce((s, i) => s + i.amount, 0));
  const tax = round2(subtotal * v.rate);
  const total = round2(subtotal + tax);
  const date = randomDate(r);
  const number = r.pick([`INV-2025-${r.digits(4)}`, `${r.int(10000, 99999)}`, `${r.letters(2)}-${r.digits(5)}`, `2025/${r.digits(3)}`]);
  // due date: explicit, net terms or absent
  let dueMode = r.weighted(difficulty === 'easy' ? [[7, 'explicit'], [3, 'none']] : [[4, 'explicit'], [5, 'net'], [1, 'none']]);
  if (difficulty === 'hard' && dueMode === 'explicit' && !features.has('decimal_comma')) dueMode = 'net';
  const netDays = r.pick([14, 15, 30, 30, 45, 60]);
  const due = dueMode === 'explicit' ? addDays(date, r.pick([14, 30, 30])) : dueMode === 'net' ? addDays(date, netDays) : null;
  if (dueMode === 'net') features.add('net_terms');
  if (dueMode === 'none') features.add('no_due');
  let balance = null;
  if (difficulty === 'hard' && (features.size < 2 || r.chance(0.5))) {
    balance = r.chance(0.5) ? { kind: 'previous', amount: round2(r.int(200, 2400) + r.pick([0, 0.5, 0.25])) } : { kind: 'deposit', amount: round2(total * r.pick([0.25, 0.3, 0.5])) };
    features.add('balance');
  }
  const expected = {
    invoice_number: number,
    vendor_name: v.name,
    customer_name: customer,
    invoice_date: iso(date),
    due_date: due ? iso(due) : null,
    currency: v.currency,
    subtotal,
    tax,
    total,
  };
  const dateText = v.loc === 'DE' ? de(date) : v.loc === 'FR' ? eu(date) : v.loc === 'UK' ? r.pick([longEu(date), eu(date)]) : difficulty === 'easy' ? r.pick([longUs(date), iso(date)]) : r.pick([longUs(date), us(date), shortMon(date)]);
  const dueText = (dt) => (v.loc === 'DE' ? de(dt) : v.loc === 'FR' ? eu(dt) : v.loc === 'UK' ? longEu(dt) : longUs(dt));
  let doc;
  if (v.loc === 'DE') {
    const lines = items.map((i) => `${i.qty} x ${i.desc} à ${fmtDe(i.unit)} € = ${fmtDe(i.amount)} €`);
    doc = [
      v.name,
      v.addr,
      '',
      `RECHNUNG Nr. ${number}`,
      `Rechnungsdatum: ${dateText}`,
      `Kunde: ${customer}`,
      '',
      ...lines,
      '',
      `Nettobetrag: ${fmtDe(subtotal)} €`,
      `${v.taxName} 19 %: ${fmtDe(tax)} €`,
      `Gesamtbetrag: ${fmtDe(total)} €`,
      dueMode === 'net' ? `Zahlungsziel: ${netDays} Tage netto ab Rechnungsdatum.` : dueMode === 'explicit' ? `Zahlbar bis: ${dueText(due)}` : 'Vielen Dank für Ihren Auftrag.',
    ];
  } else if (v.loc === 'FR') {
    const lines = items.map((i) => `${i.desc} — ${i.qty} × ${fmtFr(i.unit)} € = ${fmtFr(i.amount)} €`);
    doc = [
      v.name,
      v.addr,
      '',
      `FACTURE N° ${number}`,
      `Date : ${dateText}`,
      `Client : ${customer}`,
      '',
      ...lines,
      '',
      `Total HT : ${fmtFr(subtotal)} €`,
      `TVA 20 % : ${fmtFr(tax)} €`,
      `Total TTC : ${fmtFr(total)} €`,
      dueMode === 'net' ? `Conditions de paiement : ${netDays} jours nets à compter de la date de facture.` : dueMode === 'explicit' ? `Échéance : ${dueText(due)}` : 'Merci de votre confiance.',
    ];
  } else {
    const sym = v.currency === 'GBP' ? '£' : v.currency === 'CAD' ? 'C$' : '$';
    const lines = items.map((i) => `${i.desc.padEnd(32)}${String(i.qty).padStart(4)}${moneyComma(i.unit).padStart(12)}${moneyComma(i.amount).padStart(12)}`);
    doc = [
      r.pick(['INVOICE', 'Invoice', 'TAX INVOICE']),
      v.name,
      v.addr,
      '',
      `${r.pick(['Invoice #', 'Invoice No.', 'Invoice Number'])}: ${number}`,
      `${r.pick(['Invoice Date', 'Date', 'Date of issue'])}: ${dateText}`,
      dueMode === 'explicit' ? `Due Date: ${dueText(due)}` : dueMode === 'net' ? `Terms: ${r.pick([`Net ${netDays}`, `Net ${netDays} days`, `Payment due ${netDays} days from invoice date`])}` : null,
      '',
      `Bill To: ${customer}`,
      '',
      `${'Description'.padEnd(32)}${'Qty'.padStart(4)}${'Unit'.padStart(12)}${'Amount'.padStart(12)}`,
      ...lines,
      '',
      `Subtotal: ${sym}${moneyComma(subtotal)}`,
      `${v.taxName} (${+(v.rate * 100).toFixed(3)}%): ${sym}${moneyComma(tax)}`,
      `${r.pick(['Total', 'Invoice Total', 'Total (incl. tax)'])}: ${sym}${moneyComma(total)}`,
    ].filter((x) => x !== null);
    if (balance?.kind === 'previous') {
      doc.push(`Previous balance: ${sym}${moneyComma(balance.amount)}`, `Amount due: ${sym}${moneyComma(round2(total + balance.amount))}`);
    } else if (balance?.kind === 'deposit') {
      doc.push(`Less deposit received: -${sym}${moneyComma(balance.amount)}`, `Balance due: ${sym}${moneyComma(round2(total - balance.amount))}`);
    }
    doc.push('', r.pick(['Thank you for your business!', 'Please include the invoice number with your payment.', `Questions? Contact accounts@${v.name.split(/\s+/).slice(0, 2).join('').toLowerCase().replace(/[^a-z]/g, '')}.com`]));
  }
  if (balance && (v.loc === 'DE' || v.loc === 'FR')) {
    const f = v.loc === 'DE' ? fmtDe : fmtFr;
    doc.push(v.loc === 'DE' ? `Offener Saldo aus Vorrechnung: ${f(balance.amount)} € — zu zahlen insgesamt: ${f(round2(total + balance.amount))} €` : `Solde antérieur : ${f(balance.amount)} € — total à régler : ${f(round2(total + balance.amount))} €`);
    balance.kind = 'previous';
  }
  return { type: 'invoice', doc: doc.join('\n'), expected, features, meta: { balance, dateText, netDays, date, v } };
}

// ---------------------------------------------------------------- receipts
const MERCHANTS = [
  { name: 'Blue Door Cafe', addr: '415 W 8th St, Austin TX 78701', loc: 'US', kind: 'restaurant', rate: 0.0825, items: [['FLAT WHITE', 4.5], ['AVOCADO TOAST', 12.5], ['BREAKFAST TACOS', 9.75], ['OAT LATTE', 5.25], ['BLUEBERRY MUFFIN', 3.95]] },
  { name: 'Green Basket Market', addr: '2200 Elm Ave, Columbus OH 43201', loc: 'US', kind: 'grocery', rate: 0.0575, items: [['ORGANIC BANANAS', 2.38], ['SOURDOUGH LOAF', 6.49], ['GREEK YOGURT 32OZ', 5.99], ['CHICKEN THIGHS', 11.42], ['OLIVE OIL 1L', 13.99], ['SPINACH', 3.49]] },
  { name: 'Corner Hardware', addr: '77 Main St, Boise ID 83702', loc: 'US', kind: 'shop', rate: 0.06, items: [['WOOD SCREWS 1LB', 8.97], ['PAINT ROLLER KIT', 14.99], ['LED BULB 4PK', 12.49], ['DUCT TAPE', 6.29], ['EXTENSION CORD 25FT', 19.99]] },
  { name: 'Lakeside Pharmacy', addr: '9 Shore Dr, Tacoma WA 98402', loc: 'US', kind: 'shop', rate: 0.102, items: [['VITAMIN D3', 9.99], ['SUNSCREEN SPF50', 12.99], ['BANDAGES', 4.49], ['TOOTHPASTE', 3.79]] },
  { name: 'Luigi\'s Trattoria', addr: '1520 Broadway, Denver CO 80202', loc: 'US', kind: 'restaurant', rate: 0.0881, items: [['MARGHERITA PIZZA', 16], ['LASAGNA', 19.5], ['CAESAR SALAD', 11], ['TIRAMISU', 8.5], ['HOUSE RED GLS', 10]] },
  { name: 'The Crown and Anchor', addr: '12 Quay Street, Bristol BS1 4DB', loc: 'UK', kind: 'restaurant', rate: 0.2, items: [['FISH & CHIPS', 15.5], ['PINT BITTER', 4.8], ['PLOUGHMANS', 11.95], ['STICKY TOFFEE PUD', 6.5]] },
  { name: 'Kavanagh\'s Deli', addr: '3 Camden Row, Dublin 8', loc: 'IE', kind: 'shop', rate: 0.135, items: [['SOUP OF THE DAY', 6.5], ['HAM & CHEESE TOASTIE', 8.95], ['AMERICANO', 3.6], ['SCONE', 3.2]] },
];

function buildReceipt(r, difficulty) {
  const features = new Set();
  const m = r.pick(MERCHANTS.filter((x) => (difficulty === 'easy' ? x.loc === 'US' : true)));
  if (m.loc !== 'US') features.add('locale_date');
  const items = r.shuffle(m.items).slice(0, r.int(2, m.items.length)).map(([name, price]) => {
    const qty = r.chance(0.3) ? r.int(2, 3) : 1;
    return { name, qty, amount: round2(price * qty) };
  });
  const currency = m.loc === 'UK' ? 'GBP' : m.loc === 'IE' ? 'EUR' : 'USD';
  const sym = currency === 'GBP' ? '£' : currency === 'EUR' ? '€' : '$';
  // UK/IE prices include VAT: the receipt shows the VAT part; subtotal = net.
  const gross = round2(items.reduce((s, i) => s + i.amount, 0));
  const vatIncluded = m.loc !== 'US';
  const subtotal = vatIncluded ? round2(gross / (1 + m.rate)) : gross;
  const tax = vatIncluded ? round2(gross - subtotal) : round2(gross * m.rate);
  if (vatIncluded) features.add('vat_included');
  const base = round2(subtotal + tax);
  let tip = null;
  let tipMode = 'none';
  if (m.kind === 'restaurant') {
    tipMode = r.weighted(difficulty === 'easy' ? [[6, 'written'], [4, 'none']] : difficulty === 'moderate' ? [[5, 'written'], [3, 'suggested_written'], [2, 'none']] : [[3, 'suggested_written'], [4, 'suggested_blank'], [2, 'written']]);
    if (tipMode === 'written' || tipMode === 'suggested_written') tip = round2(r.pick([0.15, 0.18, 0.2, 0.22]) * base + r.pick([0, 0.13, 0.5, -0.2]));
    if (tipMode.startsWith('suggested')) features.add('tip_suggestions');
  }
  const total = round2(base + (tip ?? 0));
  const method = r.weighted(difficulty === 'easy' ? [[7, 'card'], [3, 'cash']] : [[5, 'card'], [2, 'cash'], [2, 'mobile'], [difficulty === 'hard' ? 3 : 1, 'gift_card']]);
  if (method === 'gift_card') features.add('gift_card');
  if (method === 'cash') features.add('cash');
  const last4 = method === 'card' ? r.digits(4) : null;
  const date = randomDate(r);
  const time = `${pad(r.int(8, 21))}:${pad(r.int(0, 59))}`;
  const ocr = difficulty === 'hard' && r.chance(0.6);
  if (ocr) features.add('ocr');
  const dateText = m.loc === 'US' ? r.pick([us(date), `${pad(date.m)}/${pad(date.d)}/${String(date.y).slice(2)}`, iso(date)]) : r.pick([eu(date), `${pad(date.d)}/${pad(date.m)}/${String(date.y).slice(2)}`]);
  if (/\/\d\d$/.test(dateText)) features.add('two_digit_year');
  const W = 32;
  const center = (s) => `${' '.repeat(Math.max(0, Math.floor((W - s.length) / 2)))}${s}`;
  const lines = [center(m.name.toUpperCase()), center(m.addr.toUpperCase())];
  if (m.loc === 'US') lines.push(center(`(${r.int(200, 989)}) 555-0${r.int(100, 199)}`));
  lines.push('', `${dateText}  ${time}  ${m.kind === 'restaurant' ? `CHK ${r.digits(4)}` : `TRN ${r.digits(5)}`}`);
  if (m.kind === 'restaurant') lines.push(`SERVER: ${r.pick(FIRST).toUpperCase()}  TABLE ${r.int(1, 30)}`);
  lines.push('-'.repeat(W));
  for (const i of items) lines.push(col(`${i.qty > 1 ? `${i.qty} ` : ''}${i.name}`, money(i.amount), W));
  lines.push('-'.repeat(W));
  if (vatIncluded) {
    lines.push(col('TOTAL', `${sym}${money(base)}`, W), col(`VAT ${+(m.rate * 100).toFixed(1)}% INCL`, money(tax), W), col('NET', money(subtotal), W));
  } else {
    lines.push(col('SUBTOTAL', money(subtotal), W), col(`TAX ${+(m.rate * 100).toFixed(2)}%`, money(tax), W), col(tipMode === 'none' ? 'TOTAL' : 'AMOUNT', `${sym}${money(base)}`, W));
  }
  if (tipMode.startsWith('suggested')) {
    lines.push('', 'SUGGESTED GRATUITY:', ...[0.18, 0.2, 0.22].map((p) => `  ${Math.round(p * 100)}% = ${money(round2(base * p))}`));
  }
  if (tipMode === 'written' || tipMode === 'suggested_written') lines.push('', col('TIP', money(tip), W), col('TOTAL', `${sym}${money(total)}`, W));
  if (tipMode === 'suggested_blank') lines.push('', col('TIP', '________', W), col('TOTAL', '________', W), '(CUSTOMER COPY)');
  if (method === 'card') lines.push('', `${r.pick(['VISA', 'MASTERCARD', 'AMEX', 'DISCOVER'])} ${r.pick(['************', 'XXXX XXXX XXXX ', '**** '])}${last4}`, `AUTH ${r.letters(2)}${r.digits(4)}  ${r.pick(['CHIP', 'CONTACTLESS', 'SWIPED'])}`, col('AMOUNT', money(total), W));
  if (method === 'cash') {
    const tendered = [20, 50, 100].find((x) => x >= total) ?? Math.ceil(total / 10) * 10;
    lines.push('', col('CASH', money(tendered), W), col('CHANGE', money(round2(tendered - total)), W));
  }
  if (method === 'mobile') lines.push('', `MOBILE PAYMENT - ${r.pick(['APPLE PAY', 'GOOGLE PAY'])}`, col('AMOUNT', money(total), W));
  if (method === 'gift_card') lines.push('', `GIFT CARD ****${r.digits(4)}`, col('REMAINING BAL', money(round2(r.int(5, 60) + 0.25)), W), col('AMOUNT', money(total), W));
  lines.push('', center(r.pick(['THANK YOU!', 'THANKS FOR VISITING', 'PLEASE COME AGAIN', 'SAVE YOUR RECEIPT'])));
  let doc = lines.join('\n');
  if (ocr) {
    doc = doc.replace(/SUBTOTAL/g, 'SUBT0TAL').replace(/\bTOTAL\b/g, () => r.pick(['T0TAL', 'TOTAL', 'TOTA L'])).replace(/THANK/g, 'THAMK').replace(/AMOUNT/g, 'AM0UNT').replace(/TIP/g, 'T1P');
  }
  const expected = { merchant_name: m.name, date: iso(date), payment_method: method, card_last4: last4, currency, subtotal, tax, tip, total };
  return { type: 'receipt', doc, expected, features, meta: { base, dateText, tipMode, date } };
}

// ---------------------------------------------------------------- shipping notices
const CARRIERS = [
  { name: 'UPS', track: (r) => `1Z${r.letters(3)}${r.digits(3)}${r.digits(10)}` },
  { name: 'FedEx', track: (r) => r.digits(12) },
  { name: 'USPS', track: (r) => `9400${r.digits(18)}` },
  { name: 'DHL Express', track: (r) => r.digits(10) },
];
const UK_CARRIERS = [{ name: 'Royal Mail', track: (r) => `${r.letters(2)}${r.digits(9)}GB` }, { name: 'DPD', track: (r) => `15${r.digits(12)}` }];
const CA_CARRIERS = [{ name: 'Canada Post', track: (r) => r.digits(16) }, { name: 'Purolator', track: (r) => `${r.digits(12)}` }];
const US_PLACES = [['Cambridge', 'MA', '02139'], ['Newark', 'NJ', '07102'], ['Hartford', 'CT', '06103'], ['Austin', 'TX', '78704'], ['Portland', 'OR', '97205'], ['Madison', 'WI', '53703'], ['Burlington', 'VT', '05401'], ['Tucson', 'AZ', '85701'], ['Providence', 'RI', '02903'], ['Richmond', 'VA', '23220']];
const UK_PLACES = [['Leeds', 'LS1 4AP'], ['Bristol', 'BS1 5TR'], ['Manchester', 'M1 2WD'], ['Edinburgh', 'EH1 1YZ']];
const CA_PLACES = [['Toronto', 'ON', 'M5V 2T6'], ['Vancouver', 'BC', 'V6B 1A1'], ['Ottawa', 'ON', 'K1P 5J9']];
const SHOPS = ['Kestrel Home', 'Trailhead Outdoor Supply', 'Paper & Pine Stationers', 'Nimbus Electronics', 'Fernwood Garden Co.'];
const STREETS = ['Maple Ave', 'Oak St', 'Harbor Rd', 'Elm Ct', 'Riverside Dr', 'Church Ln', 'King St', 'Station Rd'];

function buildShipping(r, difficulty) {
  const features = new Set();
  const region = difficulty === 'easy' ? 'US' : r.weighted([[6, 'US'], [2, 'UK'], [2, 'CA']]);
  const carrier = r.pick(region === 'US' ? CARRIERS : region === 'UK' ? UK_CARRIERS : CA_CARRIERS);
  let city;
  let postal;
  let line2;
  if (region === 'US') {
    const [c, st, zip] = r.pick(US_PLACES);
    city = c;
    postal = zip;
    line2 = `${c}, ${st} ${zip}`;
    if (zip.startsWith('0')) features.add('leading_zero');
  } else if (region === 'UK') {
    const [c, pc] = r.pick(UK_PLACES);
    city = c;
    postal = pc;
    line2 = `${c} ${pc}`;
  } else {
    const [c, prov, pc] = r.pick(CA_PLACES);
    city = c;
    postal = pc;
    line2 = `${c} ${prov} ${pc}`;
  }
  const recipient = personName(r);
  const shop = r.pick(SHOPS);
  const initials = shop.split(/\s+/).filter((w) => /^[A-Z]/.test(w)).map((w) => w[0]).join('').slice(0, 3);
  const orderNumber = r.pick([`${r.int(100000000, 999999999)}`, `W${r.digits(9)}`, `${initials}-${r.digits(6)}`, `${r.int(10, 99)}-${r.digits(5)}-${r.digits(5)}`]);
  const tracking = carrier.track(r);
  const shipDate = randomDate(r);
  const eta = addDays(shipDate, r.int(2, 6));
  let finalEta = eta;
  const revised = difficulty === 'hard' ? r.chance(0.6) : difficulty === 'moderate' ? r.chance(0.15) : false;
  if (revised) {
    finalEta = addDays(eta, r.int(1, 4));
    features.add('revised_eta');
  }
  const count = difficulty === 'easy' ? r.pick([1, 1, 2]) : r.int(1, 4);
  const weights = Array.from({ length: count }, () => round2(r.float(0.4, 9.5)));
  const useLb = region === 'US' && difficulty !== 'easy' && r.chance(difficulty === 'hard' ? 0.7 : 0.4);
  if (useLb) features.add('pounds');
  const perPackage = count > 1 && difficulty !== 'easy' && r.chance(0.6);
  if (perPackage) features.add('sum_weights');
  const shownWeights = useLb ? weights.map((w) => round2(w / 0.45359237)) : weights;
  const totalKg = round2(useLb ? shownWeights.reduce((s, w) => s + w * 0.45359237, 0) : weights.reduce((s, w) => s + w, 0));
  const noYear = difficulty !== 'easy' && r.chance(0.5);
  if (noYear) features.add('no_year');
  const usStyle = r.pick([longUs, us, (dt) => `${weekday(dt)}, ${longUs(dt)}`]);
  const fmtDate = (dt) => (noYear ? `${weekday(dt).slice(0, 3)}, ${MON3[dt.m - 1]} ${dt.d}` : region === 'US' ? usStyle(dt) : longEu(dt));
  const unit = useLb ? 'lb' : 'kg';
  const weightLines = perPackage ? shownWeights.map((w, i) => `  Package ${i + 1} of ${count}: ${w.toFixed(2)} ${unit}`) : [`Total weight: ${round2(shownWeights.reduce((s, w) => s + w, 0)).toFixed(2)} ${unit}`];
  const layout = r.pick(['shop_email', 'carrier_notice', 'manifest']);
  let doc;
  if (layout === 'shop_email') {
    doc = [
      `From: ${shop} <orders@${shop.toLowerCase().replace(/[^a-z]/g, '')}.com>`,
      `Date: ${longUs(shipDate)}`,
      `Subject: Your ${shop} order #${orderNumber} has shipped`,
      '',
      `Hi ${recipient.split(' ')[0]},`,
      '',
      `Good news: your order #${orderNumber} is on its way! It left our warehouse on ${fmtDate(shipDate)} with ${carrier.name}.`,
      '',
      `Tracking number: ${tracking}`,
      `Estimated delivery: ${fmtDate(eta)}`,
      `Packages: ${count}`,
      ...weightLines,
      '',
      'Shipping to:',
      recipient,
      `${r.int(10, 9800)} ${r.pick(STREETS)}`,
      line2,
    ];
  } else if (layout === 'carrier_notice') {
    doc = [
      `${carrier.name} Shipment Notification`,
      `Sent: ${longUs(shipDate)}`,
      '',
      `${shop} has sent you a shipment.`,
      `Tracking Number: ${tracking.replace(/(.{4})(?=.)/g, carrier.name === 'USPS' ? '$1 ' : '$1')}`,
      `Reference: Order ${orderNumber}`,
      `Ship Date: ${fmtDate(shipDate)}`,
      `Scheduled Delivery: ${fmtDate(eta)}`,
      `Number of Pieces: ${count}`,
      ...weightLines,
      `Ship To: ${recipient}, ${line2}`,
    ];
  } else {
    doc = [
      `PACKING SLIP / DESPATCH NOTE — ${shop}`,
      `Order no.: ${orderNumber}    Despatched: ${fmtDate(shipDate)}`,
      `Carrier: ${carrier.name}    Tracking: ${tracking}`,
      `Deliver to: ${recipient}, ${r.int(10, 980)} ${r.pick(STREETS)}, ${line2}`,
      `Expected: ${fmtDate(eta)}`,
      `Parcels: ${count}`,
      ...weightLines,
    ];
  }
  if (revised) doc.push('', `UPDATE ${fmtDate(addDays(eta, -1))}: Due to ${r.pick(['weather in the region', 'high volumes', 'a missed connection at the hub'])}, the delivery date has changed. New estimated delivery: ${fmtDate(finalEta)}.`);
  const expected = {
    carrier: carrier.name,
    tracking_number: tracking,
    order_number: orderNumber,
    ship_date: iso(shipDate),
    estimated_delivery: iso(finalEta),
    recipient_name: recipient,
    destination_city: city,
    destination_postal_code: postal,
    package_count: count,
    weight_kg: totalKg,
  };
  return { type: 'shipping_notice', doc: doc.join('\n'), expected, features, meta: { eta, shownWeights, useLb, fmtDate, date: shipDate } };
}

// ---------------------------------------------------------------- contracts
const PROVIDERS = [
  ['Northwind Facilities Services LLC', 'facilities maintenance services'],
  ['Clearpath Cloud Hosting Inc.', 'managed cloud hosting'],
  ['Greenline Landscaping Co.', 'grounds maintenance'],
  ['Sentinel Security Systems Ltd', 'alarm monitoring and guarding services'],
  ['Orbit Marketing Partners LLC', 'digital marketing services'],
  ['Arcadia Cleaning Services Ltd', 'commercial cleaning services'],
  ['Keystone Payroll Solutions Inc.', 'payroll processing services'],
];
const LAWS = [
  ['the State of Delaware', 'Delaware', 'USD'],
  ['the State of New York', 'New York', 'USD'],
  ['the State of California', 'California', 'USD'],
  ['the State of Texas', 'Texas', 'USD'],
  ['England and Wales', 'England and Wales', 'GBP'],
  ['the Province of Ontario', 'Ontario', 'CAD'],
  ['Ireland', 'Ireland', 'EUR'],
];
function ordinal(d) {
  const suffix = d % 100 >= 11 && d % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[d % 10] ?? 'th');
  return `${d}${suffix}`;
}
const NUM_WORDS = { 12: 'twelve', 18: 'eighteen', 24: 'twenty-four', 36: 'thirty-six', 30: 'thirty', 45: 'forty-five', 60: 'sixty', 90: 'ninety', 6: 'six' };

function buildContract(r, difficulty) {
  const features = new Set();
  const [provider, service] = r.pick(PROVIDERS);
  const client = r.pick(CUSTOMERS);
  const [lawText, law, currency] = r.pick(LAWS.filter((l) => (difficulty === 'easy' ? l[2] === 'USD' || l[2] === 'GBP' : true)));
  const sym = currency === 'USD' ? '$' : currency === 'GBP' ? '£' : currency === 'CAD' ? 'CAD ' : 'EUR ';
  const eff = randomDate(r, r.pick([2024, 2025]));
  const term = r.pick([12, 12, 24, 36, 18]);
  const yearsForm = difficulty !== 'easy' && term % 12 === 0 && r.chance(0.6);
  if (yearsForm) features.add('term_in_years');
  const years = term / 12;
  const termText = yearsForm ? `${years === 1 ? 'one (1) year' : years === 2 ? 'two (2) years' : 'three (3) years'}` : `${NUM_WORDS[term]} (${term}) months`;
  const monthly = round2(r.int(8, 120) * 50);
  const annualForm = difficulty !== 'easy' && r.chance(difficulty === 'hard' ? 0.5 : 0.3);
  if (annualForm) features.add('annual_fee');
  const autoRenew = r.chance(0.6);
  const negated = !autoRenew && difficulty !== 'easy';
  if (negated) features.add('negated_renewal');
  const noticeDays = r.chance(difficulty === 'easy' ? 0.1 : 0.15) ? null : r.pick([30, 30, 45, 60, 90]);
  if (noticeDays === null) features.add('no_notice');
  const amended = difficulty === 'hard' && r.chance(0.55);
  let finalFee = monthly;
  if (amended) {
    finalFee = round2(monthly * r.pick([1.05, 1.1, 1.08, 0.95]));
    finalFee = Math.round(finalFee);
    features.add('amendment');
  }
  const effText = difficulty === 'easy' ? longUs(eff) : r.pick([longUs(eff), `the ${ordinal(eff.d)} day of ${MONTHS[eff.m - 1]}, ${eff.y}`, iso(eff)]);
  const money3 = (x) => `${sym}${moneyComma(x)}`;
  const feeText = annualForm
    ? `an annual fee of ${money3(round2(monthly * 12))}, payable in twelve (12) equal monthly installments in advance`
    : `a monthly fee of ${money3(monthly)}, payable in advance on the first business day of each month`;
  const renewText = autoRenew
    ? `Thereafter, this Agreement shall automatically renew for successive twelve (12) month periods unless either party gives written notice of non-renewal${noticeDays ? ` at least ${NUM_WORDS[noticeDays] ?? noticeDays} (${noticeDays}) days before the end of the then-current term` : ''}.`
    : negated
      ? 'This Agreement shall not renew automatically; any extension requires a written amendment signed by both parties.'
      : 'This Agreement expires at the end of the initial term unless extended in writing.';
  const termination = noticeDays && !autoRenew ? `Either party may terminate this Agreement for convenience upon ${NUM_WORDS[noticeDays] ?? noticeDays} (${noticeDays}) days' prior written notice.` : 'Either party may terminate this Agreement immediately by written notice if the other party materially breaches it.';
  const lines = [
    r.pick(['MASTER SERVICES AGREEMENT', 'SERVICES AGREEMENT', 'MAINTENANCE SERVICES CONTRACT']) + ' (excerpt)',
    '',
    `This Agreement is entered into as of ${effText} (the "Effective Date") by and between ${provider} ("Provider") and ${client} ("Client").`,
    '',
    `1. Services. Provider shall provide ${service} as described in Schedule A.`,
    `2. Term. The initial term of this Agreement is ${termText}, commencing on the Effective Date. ${renewText}`,
    `3. Fees. Client shall pay Provider ${feeText}. Late payments accrue interest at 1% per month.`,
    `4. Termination. ${termination}`,
    `5. Confidentiality. Each party shall protect the other party's Confidential Information with at least reasonable care.`,
    `9. Governing Law. This Agreement shall be governed by the laws of ${lawText}, without regard to its conflict of laws rules.`,
  ];
  if (amended) {
    const amDate = addDays(eff, r.int(90, 300));
    lines.push('', `AMENDMENT NO. 1 (dated ${longUs(amDate)})`, `Section 3 is amended as follows: effective ${longUs(amDate)}, the monthly fee is ${money3(finalFee)}. All other terms remain unchanged.`);
  }
  lines.push('', `IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date.`, `${provider}    ${client}`);
  if (annualForm && !amended) finalFee = monthly;
  const expected = {
    provider_name: provider,
    client_name: client,
    effective_date: iso(eff),
    term_months: term,
    monthly_fee: finalFee,
    currency,
    auto_renew: autoRenew,
    notice_days: noticeDays,
    governing_law: law,
  };
  return { type: 'contract', doc: lines.join('\n'), expected, features, meta: { monthly, years, effText, lawText, date: eff } };
}

// ---------------------------------------------------------------- extraction mistakes and answers
function semanticMistakes(d) {
  const f = d.features;
  const e = d.expected;
  const m = [];
  if (d.type === 'invoice') {
    if (f.has('balance')) m.push([6, 'total_includes_balance']);
    if (f.has('net_terms')) m.push([4, 'due_not_computed'], [3, 'due_month_not_days']);
    if (f.has('decimal_comma')) m.push([4, 'decimal_comma_misread']);
    m.push([1, 'vendor_customer_swap'], [1, 'tax_as_rate'], [1, 'subtotal_as_total']);
  } else if (d.type === 'receipt') {
    if (f.has('tip_suggestions')) m.push([6, 'suggested_tip']);
    if (f.has('gift_card')) m.push([5, 'gift_card_as_card']);
    if (f.has('vat_included')) m.push([3, 'gross_as_subtotal']);
    if (f.has('locale_date') && Number(e.date.slice(8)) <= 12) m.push([3, 'day_month_swap']);
    if (f.has('ocr')) m.push([3, 'ocr_digit']);
    if (f.has('cash')) m.push([2, 'tendered_as_total']);
    m.push([1, 'tip_zero_not_null'], [1, 'subtotal_as_total']);
  } else if (d.type === 'shipping_notice') {
    if (f.has('revised_eta')) m.push([6, 'old_eta']);
    if (f.has('pounds')) m.push([5, 'pounds_not_converted']);
    if (f.has('sum_weights')) m.push([4, 'first_package_only']);
    if (f.has('no_year')) m.push([2, 'wrong_year']);
    if (f.has('leading_zero')) m.push([2, 'postal_as_number']);
    m.push([1, 'tracking_spaces'], [1, 'eta_from_ship_date']);
  } else {
    if (f.has('term_in_years')) m.push([5, 'term_in_years']);
    if (f.has('annual_fee')) m.push([5, 'annual_as_monthly']);
    if (f.has('negated_renewal')) m.push([5, 'renewal_negation']);
    if (f.has('amendment')) m.push([6, 'pre_amendment_fee']);
    if (f.has('no_notice')) m.push([3, 'hallucinated_notice']);
    m.push([1, 'party_swap'], [1, 'law_with_prefix']);
  }
  return m;
}

const FORMAT_MISTAKES = [
  [4, 'invalid_json'],
  [3, 'string_amounts'],
  [2, 'currency_symbol'],
  [2, 'extra_field'],
  [3, 'date_as_printed'],
  [1, 'missing_null_field'],
];

/** Applies one mistake to a copy of the expected object; returns { obj } or { raw } (unparseable text). */
function applyMistake(r, d, kind, obj) {
  const o = { ...obj };
  const e = d.expected;
  const meta = d.meta;
  switch (kind) {
    case 'total_includes_balance':
      o.total = meta.balance.kind === 'previous' ? round2(e.total + meta.balance.amount) : round2(e.total - meta.balance.amount);
      break;
    case 'due_not_computed':
      o.due_date = null;
      break;
    case 'due_month_not_days': {
      const dt = meta.date;
      const months = Math.round(meta.netDays / 30) || 1;
      const m = dt.m + months;
      o.due_date = iso(dateOf(dt.y + Math.floor((m - 1) / 12), ((m - 1) % 12) + 1, dt.d));
      if (o.due_date === e.due_date) o.due_date = iso(addDays(meta.date, meta.netDays - 1));
      break;
    }
    case 'decimal_comma_misread':
      // "1.234,56" read with the dot as decimal point, or "234,56" with the comma as thousands separator
      o.subtotal = e.subtotal >= 1000 ? Number((e.subtotal / 1000).toFixed(5)) : Math.round(e.subtotal * 100);
      o.total = e.total >= 1000 ? Number((e.total / 1000).toFixed(5)) : Math.round(e.total * 100);
      break;
    case 'vendor_customer_swap':
      o.vendor_name = e.customer_name;
      o.customer_name = e.vendor_name;
      break;
    case 'tax_as_rate':
      o.tax = +(meta.v.rate * 100).toFixed(3);
      break;
    case 'subtotal_as_total':
      o.subtotal = e.total;
      break;
    case 'suggested_tip': {
      // the model copies a printed suggestion instead of the tip actually written (or left blank)
      const other = [0.18, 0.2, 0.22].map((p) => round2(meta.base * p)).filter((t) => e.tip === null || Math.abs(t - e.tip) > 0.05);
      o.tip = r.pick(other);
      o.total = round2(meta.base + o.tip);
      break;
    }
    case 'gift_card_as_card':
      o.payment_method = 'card';
      o.card_last4 = r.digits(4);
      break;
    case 'gross_as_subtotal':
      o.subtotal = round2(e.subtotal + e.tax);
      break;
    case 'day_month_swap':
      o.date = `${e.date.slice(0, 4)}-${e.date.slice(8, 10)}-${e.date.slice(5, 7)}`;
      break;
    case 'ocr_digit': {
      const s = money(e.total);
      const swapped = s.replace(/[3689]/, (c) => ({ 3: '8', 6: '5', 8: '3', 9: '8' })[c]);
      o.total = swapped === s ? round2(e.total + 1) : Number(swapped);
      break;
    }
    case 'tendered_as_total':
      o.total = [20, 50, 100].find((x) => x >= e.total) ?? Math.ceil(e.total / 10) * 10;
      break;
    case 'tip_zero_not_null':
      if (e.tip === null) o.tip = 0;
      else o.tip = null;
      break;
    case 'old_eta':
      o.estimated_delivery = iso(meta.eta);
      break;
    case 'pounds_not_converted':
      o.weight_kg = round2(meta.shownWeights.reduce((s, w) => s + w, 0));
      break;
    case 'first_package_only':
      o.weight_kg = meta.useLb ? round2(meta.shownWeights[0] * 0.45359237) : meta.shownWeights[0];
      break;
    case 'wrong_year':
      o.estimated_delivery = `${Number(e.estimated_delivery.slice(0, 4)) - 1}${e.estimated_delivery.slice(4)}`;
      break;
    case 'postal_as_number':
      o.destination_postal_code = Number(e.destination_postal_code);
      break;
    case 'tracking_spaces':
      o.tracking_number = e.tracking_number.replace(/(.{4})(?=.)/g, '$1 ');
      break;
    case 'eta_from_ship_date':
      o.estimated_delivery = e.ship_date;
      break;
    case 'term_in_years':
      o.term_months = meta.years;
      break;
    case 'annual_as_monthly':
      o.monthly_fee = round2(meta.monthly * 12);
      break;
    case 'renewal_negation':
      o.auto_renew = true;
      break;
    case 'pre_amendment_fee':
      o.monthly_fee = meta.monthly;
      break;
    case 'hallucinated_notice':
      o.notice_days = 30;
      break;
    case 'party_swap':
      o.provider_name = e.client_name;
      o.client_name = e.provider_name;
      break;
    case 'law_with_prefix':
      o.governing_law = meta.lawText.replace(/^the /, '');
      if (o.governing_law === e.governing_law) o.governing_law = `Laws of ${e.governing_law}`;
      break;
    case 'string_amounts': {
      const sym = { USD: '$', GBP: '£', EUR: '€', CAD: '$' }[e.currency] ?? '';
      for (const k of ['subtotal', 'tax', 'total', 'monthly_fee', 'tip']) if (typeof o[k] === 'number') o[k] = `${sym}${moneyComma(o[k])}`;
      if (typeof o.weight_kg === 'number') o.weight_kg = `${o.weight_kg} kg`;
      break;
    }
    case 'currency_symbol':
      if ('currency' in o) o.currency = { USD: '$', GBP: '£', EUR: '€', CAD: 'C$' }[e.currency];
      else o.weight_kg = `${o.weight_kg} kg`;
      break;
    case 'extra_field':
      if (d.type === 'invoice' || d.type === 'receipt') o.line_items = r.chance(0.5) ? 'see document' : [];
      else o.notes = r.pick(['', 'Extracted from the document above.', null]);
      break;
    case 'date_as_printed': {
      const key = { invoice: 'invoice_date', receipt: 'date', shipping_notice: 'ship_date', contract: 'effective_date' }[d.type];
      const printed = d.type === 'receipt' || d.type === 'invoice' ? meta.dateText : d.type === 'contract' ? meta.effText : meta.fmtDate(meta.date);
      o[key] = printed === e[key] ? longUs(meta.date) : printed;
      break;
    }
    case 'missing_null_field': {
      const nulls = Object.keys(e).filter((k) => e[k] === null);
      if (nulls.length) delete o[nulls[0]];
      else delete o[Object.keys(e)[Object.keys(e).length - 1]];
      break;
    }
    case 'invalid_json': {
      const text = JSON.stringify(o, null, 2);
      const how = r.pick(['trailing_comma', 'single_quotes', 'truncated', 'comment']);
      if (how === 'trailing_comma') return { raw: text.replace(/\n}$/, ',\n}') };
      if (how === 'single_quotes') return { raw: text.replace(/"/g, "'") };
      if (how === 'truncated') return { raw: text.slice(0, Math.floor(text.length * r.float(0.55, 0.85))) };
      return { raw: text.replace(/\n/, '\n  // extracted fields\n') };
    }
    default:
      throw new Error(`unknown mistake ${kind}`);
  }
  return { obj: o };
}

function wrapJson(r, tier, text) {
  if (tier.name === 'cheap') {
    return r.weighted([
      [35, `\`\`\`json\n${text}\n\`\`\``],
      [25, `Here is the extracted information:\n\n\`\`\`json\n${text}\n\`\`\``],
      [40, text],
    ]);
  }
  if (tier.name === 'mid') return r.weighted([[60, text], [40, `\`\`\`json\n${text}\n\`\`\``]]);
  return r.weighted([[55, `\`\`\`json\n${text}\n\`\`\``], [45, text]]);
}

/** Whether a simulated wrong answer would still grade as right (same values within the grader's tolerance). */
function looksRight(expected, obj) {
  const norm = (v) => (typeof v === 'string' ? v.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '') : v);
  return Object.keys(expected).every((k) => {
    const a = expected[k];
    const b = obj[k];
    if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 0.0101;
    return norm(a) === norm(b) && (a === null) === (b === null) && typeof a === typeof b;
  }) && Object.keys(obj).length === Object.keys(expected).length;
}

function extractionAnswer(r, tier, d, wrong) {
  let obj = { ...d.expected };
  let raw;
  for (let attempt = 0; wrong && attempt < 10 && raw === undefined && looksRight(d.expected, obj); attempt++) {
    obj = { ...d.expected };
    const formatShare = { cheap: 0.4, mid: 0.15, frontier: 0.06 }[tier.name];
    const semantic = semanticMistakes(d);
    const count = tier.name === 'cheap' && d.difficulty === 'hard' && r.chance(0.35) ? 2 : 1;
    const kinds = [];
    for (let i = 0; i < count; i++) {
      const pool = r.chance(formatShare) ? FORMAT_MISTAKES : semantic;
      const kind = r.weighted(pool);
      if (!kinds.includes(kind)) kinds.push(kind);
    }
    // invalid JSON last so earlier mistakes are kept in the text
    kinds.sort((a, b) => (a === 'invalid_json' ? 1 : b === 'invalid_json' ? -1 : 0));
    for (const k of kinds) {
      const res = applyMistake(r, d, k, obj);
      if (res.raw !== undefined) raw = res.raw;
      else obj = res.obj;
    }
  }
  const compact = tier.name === 'mid' && r.chance(0.25);
  const text = raw ?? (compact ? JSON.stringify(obj) : JSON.stringify(obj, null, 2));
  return wrapJson(r, tier, text);
}

/** Features that make a document harder to extract (the others are context: cash, two-digit year, leading zero, no due date). */
const TRAPS = new Set(['net_terms', 'decimal_comma', 'balance', 'tip_suggestions', 'gift_card', 'vat_included', 'locale_date', 'ocr', 'revised_eta', 'pounds', 'sum_weights', 'no_year', 'term_in_years', 'annual_fee', 'negated_renewal', 'amendment', 'no_notice']);

function buildExtraction() {
  const r = new Rand('doc-extraction');
  const plan = [
    ['invoice', buildInvoice, { easy: 17, moderate: 18, hard: 15 }],
    ['receipt', buildReceipt, { easy: 15, moderate: 15, hard: 15 }],
    ['shipping_notice', buildShipping, { easy: 15, moderate: 16, hard: 14 }],
    ['contract', buildContract, { easy: 12, moderate: 14, hard: 14 }],
  ];
  const docs = [];
  for (const [, build, counts] of plan) {
    for (const d of DIFFS) {
      for (let i = 0; i < counts[d]; i++) {
        // redraw until the document's traps match its difficulty: easy none, moderate one, hard two or more
        let doc;
        for (let tries = 0; ; tries++) {
          doc = build(r, d);
          const traps = [...doc.features].filter((f) => TRAPS.has(f)).length;
          if (d === 'easy' ? traps === 0 : d === 'moderate' ? traps === 1 : traps >= 2) break;
          if (tries > 500) throw new Error(`no ${d} ${doc.type} after 500 tries`);
        }
        docs.push({ ...doc, difficulty: d });
      }
    }
  }
  return r.shuffle(docs).map((d, i) => {
    const item = {
      id: `dx-${String(i + 1).padStart(3, '0')}`,
      prompt: extractionPrompt(d.type, d.doc),
      expected: d.expected,
      graders: [
        { type: 'json-schema', schema: SCHEMAS[d.type] },
        { type: 'json-field-match', tolerance: 0.01 },
      ],
      task: 'doc-extraction',
      category: d.type,
      tags: [`difficulty:${d.difficulty}`, ...[...d.features].sort()],
    };
    return {
      item,
      usageItem: { ...item, system: EXTRACT_SYSTEM },
      difficulty: d.difficulty,
      respond: (tier, wrong, rr) => extractionAnswer(rr, tier, d, wrong),
    };
  });
}

// ================================================================ multistep-reasoning
const fmtN = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
const showV = (v, kind) => (kind === 'money' ? `$${moneyComma(v)}` : fmtN(v));

function swapDigits(v) {
  const s = String(Math.trunc(Math.abs(v)));
  for (let i = s.length - 2; i >= 0; i--) {
    if (s[i] !== s[i + 1]) {
      const t = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
      return Math.sign(v) * (Number(t) + (Math.abs(v) % 1));
    }
  }
  return v + 9;
}
function slipValue(r, v, kind) {
  const opts = kind === 'money' ? [v + 1, v - 1, v + 10, v - 10, v + 0.1, swapDigits(v)] : Number.isInteger(v) ? [v + 1, v - 1, v + 10, v - 10, swapDigits(v), v * 2] : [v + 1, v - 1, v * 10, v + 0.5];
  const ok = opts.map((x) => (kind === 'money' ? round2(x) : Math.round(x * 1e6) / 1e6)).filter((x) => x > 0 && Math.abs(x - v) > 0.009);
  return ok.length ? r.pick(ok) : v + 1;
}

/** Records the worked steps; a slip mistake perturbs one step's result and the error propagates. */
function stepper(mistake) {
  const steps = [];
  const S = (label, expr, value, kind = 'num') => {
    let v = kind === 'money' ? round2(value) : Math.round(value * 1e6) / 1e6;
    if (mistake && mistake.kind === 'slip' && mistake.step === steps.length) v = mistake.perturb(v, kind);
    steps.push({ label, expr, value: v, kind });
    return v;
  };
  return { S, steps };
}

const PEOPLE = ['Maria', 'James', 'Aisha', 'Chen', 'Sofia', 'Liam', 'Priya', 'Mateo', 'Hannah', 'Kwame', 'Yuki', 'Olivia', 'Noah', 'Fatima', 'Lucas', 'Elena', 'Daniel', 'Zara', 'Grace', 'Ibrahim', 'Mei', 'Ethan', 'Arjun', 'Nadia', 'Samuel', 'Leila', 'Owen', 'Diego', 'Ruth', 'Felix'];

const FAMILIES = [
  {
    name: 'shopping',
    gen(r, level) {
      const goods = r.shuffle([['notebook', 'notebooks', 3.25], ['pen', 'pens', 1.75], ['mug', 'mugs', 8.5], ['candle', 'candles', 6.4], ['plant pot', 'plant pots', 4.8], ['T-shirt', 'T-shirts', 12.5], ['bag of coffee', 'bags of coffee', 11.25], ['puzzle', 'puzzles', 14.99]]);
      return { who: r.pick(PEOPLE), level, g1: goods[0], g2: goods[1], n1: r.int(2, 7), n2: r.int(2, 5), bill: r.pick([50, 100]), pct: r.pick([10, 15, 20, 25]), tax: r.pick([5, 6, 8]), shop: r.pick(['a craft fair', 'the corner shop', 'a garden center', 'an online store', 'the campus store']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.who} buys ${p.n1} ${p.g1[1]} at $${moneyComma(p.g1[2])} each at ${p.shop} and pays with a $${p.bill} bill. How much change {does ${p.who} get|should ${p.who} receive}?`);
      if (p.level === 'moderate') return vary(r, `At ${p.shop}, ${p.who} buys ${p.n1} ${p.g1[1]} for $${moneyComma(p.g1[2])} each and ${p.n2} ${p.g2[1]} for $${moneyComma(p.g2[2])} each. ${p.who} pays with a $${p.bill < 100 ? 100 : 200} bill. How much change {does ${p.who} get back|is ${p.who} owed}?`);
      return vary(r, `${p.who} buys ${p.n1} ${p.g1[1]} at $${moneyComma(p.g1[2])} each and ${p.n2} ${p.g2[1]} at $${moneyComma(p.g2[2])} each. A coupon takes ${p.pct}% off the whole purchase, and ${p.tax}% sales tax is added after the discount. {The store also hands out a free tote bag worth $3. |}How much does ${p.who} pay in total? Round to the nearest cent.`);
    },
    solve(p, S) {
      const a = S(`Cost of the ${p.g1[1]}`, `${p.n1} × $${moneyComma(p.g1[2])}`, p.n1 * p.g1[2], 'money');
      if (p.level === 'easy') return S('Change', `$${p.bill} − $${moneyComma(a)}`, p.bill - a, 'money');
      const b = S(`Cost of the ${p.g2[1]}`, `${p.n2} × $${moneyComma(p.g2[2])}`, p.n2 * p.g2[2], 'money');
      const sum = S('Total before anything else', `$${moneyComma(a)} + $${moneyComma(b)}`, a + b, 'money');
      if (p.level === 'moderate') {
        const bill = p.bill < 100 ? 100 : 200;
        return S('Change', `$${bill} − $${moneyComma(sum)}`, bill - sum, 'money');
      }
      const disc = S('Discount', `${p.pct}% of $${moneyComma(sum)}`, (sum * p.pct) / 100, 'money');
      const after = S('After the coupon', `$${moneyComma(sum)} − $${moneyComma(disc)}`, sum - disc, 'money');
      return S('With tax', `$${moneyComma(after)} × ${1 + p.tax / 100}`, after * (1 + p.tax / 100), 'money');
    },
  },
  {
    name: 'wages',
    gen(r, level) {
      return { who: r.pick(PEOPLE), level, h: r.int(4, 8), d: r.int(3, 6), rate: r.pick([14, 15.5, 16, 18, 19.25, 21, 22.5]), sat: r.int(3, 7), h1: r.int(9, 11), h2: r.int(6, 10), wh: r.pick([10, 12, 15, 18]), job: r.pick(['a bakery', 'a bike shop', 'the library', 'a warehouse', 'a call center', 'a cafe']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.who} works ${p.h} hours a day for ${p.d} days at ${p.job} and earns $${moneyComma(p.rate)} per hour. How much does ${p.who} earn {in total|for those days}?`);
      if (p.level === 'moderate') return vary(r, `${p.who} works at ${p.job} ${p.h} hours a day Monday through Friday at $${moneyComma(p.rate)} an hour. On Saturday ${p.who} works ${p.sat} hours at time-and-a-half. How much does ${p.who} earn that week?`);
      return vary(r, `${p.who} earns $${moneyComma(p.rate)} an hour at ${p.job}. This week ${p.who} worked ${p.h1} hours on each of Monday, Tuesday, Wednesday and Thursday, and ${p.h2} hours on Friday. Hours above 40 in a week are paid at 1.5 times the normal rate, and ${p.wh}% of the gross pay is withheld for taxes. {${p.who}'s commute is 25 minutes each way. |}What is ${p.who}'s take-home pay for the week?`);
    },
    solve(p, S) {
      if (p.level === 'easy') {
        const hours = S('Hours worked', `${p.h} × ${p.d}`, p.h * p.d);
        return S('Earnings', `${fmtN(hours)} × $${moneyComma(p.rate)}`, hours * p.rate, 'money');
      }
      if (p.level === 'moderate') {
        const wk = S('Weekday hours', `${p.h} × 5`, p.h * 5);
        const wkPay = S('Weekday pay', `${fmtN(wk)} × $${moneyComma(p.rate)}`, wk * p.rate, 'money');
        const satPay = S('Saturday pay', `${p.sat} × $${moneyComma(p.rate)} × 1.5`, p.sat * p.rate * 1.5, 'money');
        return S('Total for the week', `$${moneyComma(wkPay)} + $${moneyComma(satPay)}`, wkPay + satPay, 'money');
      }
      const total = S('Total hours', `4 × ${p.h1} + ${p.h2}`, 4 * p.h1 + p.h2);
      const reg = S('Regular pay', `40 × $${moneyComma(p.rate)}`, 40 * p.rate, 'money');
      const ot = S('Overtime hours', `${fmtN(total)} − 40`, total - 40);
      const otPay = S('Overtime pay', `${fmtN(ot)} × $${moneyComma(p.rate)} × 1.5`, ot * p.rate * 1.5, 'money');
      const gross = S('Gross pay', `$${moneyComma(reg)} + $${moneyComma(otPay)}`, reg + otPay, 'money');
      return S('Take-home pay', `$${moneyComma(gross)} × ${(1 - p.wh / 100).toFixed(2)}`, gross * (1 - p.wh / 100), 'money');
    },
  },
  {
    name: 'travel',
    gen(r, level) {
      const s1 = r.pick([45, 50, 55, 60, 65]);
      const t1 = r.pick([1.5, 2, 2.5, 3]);
      return { who: r.pick(PEOPLE), level, s1, t1, s2: r.pick([30, 35, 40, 70]), t2: r.pick([0.5, 1, 1.5, 2]), stop: r.pick([15, 20, 30, 45]), total: Math.ceil((s1 * t1 + r.int(40, 180)) / 10) * 10, dest: r.pick(['the coast', 'a lake cabin', 'a friend\'s wedding', 'the national park', 'a conference']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.who} is driving ${p.total} miles to ${p.dest}. After driving at ${p.s1} miles per hour for ${p.t1} hours, how many miles {are left|does ${p.who} still have to go}?`);
      if (p.level === 'moderate') return vary(r, `On the way to ${p.dest}, ${p.who} drives ${p.t1} hours on the highway at ${p.s1} mph, then ${p.t2} hours on country roads at ${p.s2} mph. How many miles does ${p.who} drive in total?`);
      return vary(r, `${p.who} drives to ${p.dest}: ${p.t1} hours at ${p.s1} mph, then a ${p.stop}-minute stop for lunch, then ${p.t2} hours at ${p.s2} mph. What is ${p.who}'s average speed for the whole trip, counting the stop, in miles per hour? Round to the nearest hundredth.`);
    },
    solve(p, S) {
      const d1 = S('First part', `${p.s1} × ${p.t1}`, p.s1 * p.t1);
      if (p.level === 'easy') return S('Miles left', `${p.total} − ${fmtN(d1)}`, p.total - d1);
      const d2 = S('Second part', `${p.s2} × ${p.t2}`, p.s2 * p.t2);
      const dist = S('Total distance', `${fmtN(d1)} + ${fmtN(d2)}`, d1 + d2);
      if (p.level === 'moderate') return dist;
      const stopH = S('Stop in hours', `${p.stop} ÷ 60`, p.stop / 60);
      const time = S('Total time', `${p.t1} + ${fmtN(stopH)} + ${p.t2}`, p.t1 + stopH + p.t2);
      return S('Average speed', `${fmtN(dist)} ÷ ${fmtN(time)}`, Math.round((dist / time) * 100) / 100);
    },
  },
  {
    name: 'recipe',
    gen(r, level) {
      const k = r.pick([4, 6, 8]);
      return { who: r.pick(PEOPLE), level, k, easyM: k * r.pick([1.5, 2, 2.5, 3]), flourPer: r.pick([50, 60, 75, 80, 90]), sugarPer: r.pick([20, 25, 30, 40]), m: k * r.pick([3, 4, 5, 6]) + r.pick([0, k / 2]), bag: r.pick([500, 1000]), sbag: r.pick([250, 500]), pf: r.pick([1.89, 2.45, 3.2]), ps: r.pick([1.5, 2.1, 2.75]), cups: r.pick([1.5, 2, 2.5, 3]), dish: r.pick(['pancakes', 'muffins', 'banana bread', 'scones', 'cookies']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `A recipe for ${p.dish} that serves ${p.k} people uses ${p.cups} cups of milk. How many cups of milk {does ${p.who} need|are needed} to serve ${p.easyM} people?`);
      if (p.level === 'moderate') return vary(r, `${p.who}'s recipe for ${p.dish} uses ${p.flourPer * p.k} grams of flour for ${p.k} servings. ${p.who} is making ${p.m} servings for a school bake sale. Flour comes in ${p.bag}-gram bags that cost $${moneyComma(p.pf)} each. How much does ${p.who} spend on flour?`);
      return vary(r, `A recipe for ${p.k} servings of ${p.dish} needs ${p.flourPer * p.k} g of flour and ${p.sugarPer * p.k} g of sugar. ${p.who} needs ${p.m} servings. Flour is sold in ${p.bag} g bags for $${moneyComma(p.pf)} and sugar in ${p.sbag} g bags for $${moneyComma(p.ps)}; only whole bags can be bought. How much does ${p.who} spend on flour and sugar altogether?`);
    },
    solve(p, S) {
      if (p.level === 'easy') {
        const factor = S('Scale factor', `${p.easyM} ÷ ${p.k}`, p.easyM / p.k);
        return S('Milk needed', `${p.cups} × ${fmtN(factor)}`, p.cups * factor);
      }
      if (p.level === 'moderate') {
        const flour = S('Flour needed', `${p.flourPer * p.k} ÷ ${p.k} × ${p.m}`, p.flourPer * p.m);
        const bags = S('Bags to buy', `${fmtN(flour)} ÷ ${p.bag}, rounded up`, Math.ceil(flour / p.bag - 1e-9));
        return S('Cost', `${fmtN(bags)} × $${moneyComma(p.pf)}`, bags * p.pf, 'money');
      }
      const factor = S('Scale factor', `${p.m} ÷ ${p.k}`, p.m / p.k);
      const flour = S('Flour needed', `${p.flourPer * p.k} × ${fmtN(factor)}`, p.flourPer * p.k * factor);
      const fb = S('Flour bags', `${fmtN(flour)} ÷ ${p.bag}, rounded up`, Math.ceil(flour / p.bag - 1e-9));
      const sugar = S('Sugar needed', `${p.sugarPer * p.k} × ${fmtN(factor)}`, p.sugarPer * p.k * factor);
      const sb = S('Sugar bags', `${fmtN(sugar)} ÷ ${p.sbag}, rounded up`, Math.ceil(sugar / p.sbag - 1e-9));
      return S('Total cost', `${fmtN(fb)} × $${moneyComma(p.pf)} + ${fmtN(sb)} × $${moneyComma(p.ps)}`, fb * p.pf + sb * p.ps, 'money');
    },
  },
  {
    name: 'savings',
    gen(r, level) {
      return { who: r.pick(PEOPLE), level, a: r.pick([15, 20, 25, 30, 35, 40]), w: r.int(6, 20), w2: r.int(4, 12), raise: r.pick([5, 10, 15]), init: r.pick([40, 75, 120, 200]), spend: r.int(3, 12) * 10 + r.pick([0, 5]), price: r.pick([249, 299, 349, 399, 450]), tax: r.pick([6, 7, 8]), item: r.pick(['a bike', 'a tablet', 'a guitar', 'a camera', 'a pair of skis']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.who} saves $${p.a} every week for ${p.w} weeks and then spends $${p.spend} on a concert ticket. How much money {does ${p.who} have left|is left}?`);
      if (p.level === 'moderate') return vary(r, `${p.who} has $${p.init} in a piggy bank and adds $${p.a} each week for ${p.w} weeks. Then ${p.who} spends $${p.spend} on a birthday gift. How much money does ${p.who} have now?`);
      return vary(r, `${p.who} starts with $${p.init} and saves $${p.a} a week for ${p.w} weeks. After a raise, ${p.who} saves $${p.a + p.raise} a week for another ${p.w2} weeks. Then ${p.who} buys ${p.item} priced at $${p.price} plus ${p.tax}% sales tax. How much money does ${p.who} have left?`);
    },
    solve(p, S) {
      const saved = S('Saved', `$${p.a} × ${p.w}`, p.a * p.w, 'money');
      if (p.level === 'easy') return S('Left', `$${moneyComma(saved)} − $${p.spend}`, saved - p.spend, 'money');
      if (p.level === 'moderate') {
        const tot = S('Total', `$${p.init} + $${moneyComma(saved)}`, p.init + saved, 'money');
        return S('Left after the gift', `$${moneyComma(tot)} − $${p.spend}`, tot - p.spend, 'money');
      }
      const saved2 = S('Saved after the raise', `$${p.a + p.raise} × ${p.w2}`, (p.a + p.raise) * p.w2, 'money');
      const tot = S('Total money', `$${p.init} + $${moneyComma(saved)} + $${moneyComma(saved2)}`, p.init + saved + saved2, 'money');
      const cost = S(`Price of ${p.item} with tax`, `$${p.price} × ${1 + p.tax / 100}`, p.price * (1 + p.tax / 100), 'money');
      return S('Left', `$${moneyComma(tot)} − $${moneyComma(cost)}`, tot - cost, 'money');
    },
  },
  {
    name: 'inventory',
    gen(r, level) {
      const pct = r.pick([10, 20, 25, 40]);
      const unit = 100 / (pct === 25 ? 25 : pct === 40 ? 20 : pct) * 2;
      const n = unit * r.int(3, 12);
      return { level, n, pct, sold: r.int(5, Math.min(60, n - 5)), got: r.int(20, 90), boxes: r.int(3, 8), per: r.pick([6, 12, 24]), ret: r.int(2, 9), thing: r.pick([['bookstore', 'copies of the new novel'], ['bakery', 'bagels'], ['toy shop', 'puzzles'], ['garden center', 'seed packets'], ['pharmacy', 'bottles of hand sanitizer']]) };
    },
    text(p, r) {
      const [shop, items] = p.thing;
      if (p.level === 'easy') return vary(r, `A ${shop} has ${p.n} ${items}. It sells ${p.sold} of them and then receives a delivery of ${p.got} more. How many ${items} does it have now?`);
      if (p.level === 'moderate') return vary(r, `A ${shop} starts the week with ${p.n} ${items}. On Monday it sells ${p.pct}% of them. On Tuesday it sells half of what is left. How many ${items} are left {at the end of Tuesday|after Tuesday}?`);
      return vary(r, `A ${shop} starts the week with ${p.n} ${items}. On Monday it sells ${p.pct}% of them, and on Tuesday it sells half of the remainder. On Wednesday a shipment of ${p.boxes} boxes with ${p.per} ${items} each arrives, and customers return ${p.ret} ${items}. How many ${items} does the ${shop} have on Wednesday evening?`);
    },
    solve(p, S) {
      if (p.level === 'easy') {
        const left = S('After sales', `${p.n} − ${p.sold}`, p.n - p.sold);
        return S('After the delivery', `${fmtN(left)} + ${p.got}`, left + p.got);
      }
      const mon = S('Sold on Monday', `${p.pct}% of ${p.n}`, (p.n * p.pct) / 100);
      const left1 = S('Left after Monday', `${p.n} − ${fmtN(mon)}`, p.n - mon);
      const tue = S('Sold on Tuesday', `${fmtN(left1)} ÷ 2`, left1 / 2);
      const left2 = S('Left after Tuesday', `${fmtN(left1)} − ${fmtN(tue)}`, left1 - tue);
      if (p.level === 'moderate') return left2;
      const ship = S('Shipment', `${p.boxes} × ${p.per}`, p.boxes * p.per);
      return S('On Wednesday evening', `${fmtN(left2)} + ${fmtN(ship)} + ${p.ret}`, left2 + ship + p.ret);
    },
  },
  {
    name: 'flooring',
    gen(r, level) {
      return { who: r.pick(PEOPLE), level, l: r.int(10, 18), w: r.int(8, 14), cl: r.int(2, 4), cw: r.int(2, 5), price: r.pick([2.5, 3.25, 4.75, 5.5]), box: r.pick([10, 12, 15, 20]), boxPrice: r.pick([32, 39.5, 44.99, 52]), fee: r.pick([25, 35, 49]), room: r.pick(['bedroom', 'office', 'living room', 'studio', 'playroom']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.who}'s ${p.room} is ${p.l} feet by ${p.w} feet. New flooring costs $${moneyComma(p.price)} per square foot. How much will it cost to cover the {whole |}floor?`);
      if (p.level === 'moderate') return vary(r, `${p.who} is putting new flooring in a ${p.l} ft by ${p.w} ft ${p.room}, except for a ${p.cl} ft by ${p.cw} ft built-in closet that stays as it is. Flooring costs $${moneyComma(p.price)} per square foot. How much will the flooring cost?`);
      return vary(r, `${p.who} is tiling a ${p.l} ft by ${p.w} ft ${p.room} with 1 ft by 1 ft tiles and wants 10% extra tiles for cuts and breakage. Tiles come in boxes of ${p.box} that cost $${moneyComma(p.boxPrice)} each, and delivery is a flat $${p.fee}. {The room has two windows. |}How much will ${p.who} pay for the tiles, including delivery?`);
    },
    solve(p, S) {
      const area = S('Floor area', `${p.l} × ${p.w}`, p.l * p.w);
      if (p.level === 'easy') return S('Cost', `${fmtN(area)} × $${moneyComma(p.price)}`, area * p.price, 'money');
      if (p.level === 'moderate') {
        const closet = S('Closet area', `${p.cl} × ${p.cw}`, p.cl * p.cw);
        const net = S('Area to cover', `${fmtN(area)} − ${fmtN(closet)}`, area - closet);
        return S('Cost', `${fmtN(net)} × $${moneyComma(p.price)}`, net * p.price, 'money');
      }
      const tiles = S('Tiles with 10% extra', `${fmtN(area)} × 1.1`, area * 1.1);
      const boxes = S('Boxes', `${fmtN(tiles)} ÷ ${p.box}, rounded up`, Math.ceil(tiles / p.box - 1e-9));
      const cost = S('Tile cost', `${fmtN(boxes)} × $${moneyComma(p.boxPrice)}`, boxes * p.boxPrice, 'money');
      return S('Total with delivery', `$${moneyComma(cost)} + $${p.fee}`, cost + p.fee, 'money');
    },
  },
  {
    name: 'fuel',
    gen(r, level) {
      const mpg = r.pick([24, 25, 28, 30, 32, 36]);
      return { who: r.pick(PEOPLE), level, mpg, miles: mpg * r.int(3, 12), gas: r.pick([3.19, 3.45, 3.79, 4.09]), toll: r.pick([4.5, 6, 7.25, 9]), friends: r.int(2, 5), dest: r.pick(['a music festival', 'the mountains', 'a college visit', 'a family reunion', 'a hiking trail']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.who}'s car gets ${p.mpg} miles per gallon. Gas costs $${moneyComma(p.gas)} per gallon. How much does the gas cost for a ${p.miles}-mile trip?`);
      if (p.level === 'moderate') return vary(r, `${p.who} drives to ${p.dest}, ${p.miles} miles away, and back home. The car gets ${p.mpg} miles per gallon and gas is $${moneyComma(p.gas)} a gallon. How much does ${p.who} spend on gas for the round trip?`);
      return vary(r, `${p.friends} friends share the cost of a round trip to ${p.dest}, ${p.miles} miles each way. The car gets ${p.mpg} miles per gallon, gas costs $${moneyComma(p.gas)} per gallon, and there is a $${moneyComma(p.toll)} toll each way. {They also bring snacks that one of them pays for. |}If they split the gas and tolls equally, how much does each friend pay? Round to the nearest cent.`);
    },
    solve(p, S) {
      if (p.level === 'easy') {
        const gal = S('Gallons used', `${p.miles} ÷ ${p.mpg}`, p.miles / p.mpg);
        return S('Gas cost', `${fmtN(gal)} × $${moneyComma(p.gas)}`, gal * p.gas, 'money');
      }
      const miles = S('Round-trip miles', `${p.miles} × 2`, p.miles * 2);
      const gal = S('Gallons used', `${fmtN(miles)} ÷ ${p.mpg}`, miles / p.mpg);
      const cost = S('Gas cost', `${fmtN(gal)} × $${moneyComma(p.gas)}`, gal * p.gas, 'money');
      if (p.level === 'moderate') return cost;
      const tolls = S('Tolls', `$${moneyComma(p.toll)} × 2`, p.toll * 2, 'money');
      const total = S('Total shared cost', `$${moneyComma(cost)} + $${moneyComma(tolls)}`, cost + tolls, 'money');
      return S('Each friend pays', `$${moneyComma(total)} ÷ ${p.friends}`, total / p.friends, 'money');
    },
  },
  {
    name: 'percent-change',
    gen(r, level) {
      return { level, price: r.pick([40, 60, 80, 120, 150, 240, 360]), up: r.pick([10, 15, 20, 25]), down: r.pick([10, 20, 25, 30]), up2: r.pick([5, 10, 12]), thing: r.pick(['a pair of headphones', 'a winter coat', 'a desk chair', 'a board game', 'a coffee maker', 'a backpack']), shop: r.pick(['An electronics store', 'A department store', 'An online shop', 'A local store']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.thing.replace(/^a/, 'A')} costs $${p.price}. The price goes up by ${p.up}%. What is the new price?`);
      if (p.level === 'moderate') return vary(r, `${p.shop} raises the price of ${p.thing} from $${p.price} by ${p.up}%. A month later the new price is cut by ${p.down}% in a sale. What is the sale price?`);
      return vary(r, `${p.shop} sells ${p.thing} for $${p.price}. In March the price rises ${p.up}%, in June it is discounted ${p.down}%, and in September it rises ${p.up2}% from the June price. What is the price in September? Round to the nearest cent.`);
    },
    solve(p, S) {
      const inc = S('Increase', `${p.up}% of $${p.price}`, (p.price * p.up) / 100, 'money');
      const p1 = S('New price', `$${p.price} + $${moneyComma(inc)}`, p.price + inc, 'money');
      if (p.level === 'easy') return p1;
      const dec = S('Discount', `${p.down}% of $${moneyComma(p1)}`, (p1 * p.down) / 100, 'money');
      const p2 = S('Price after the cut', `$${moneyComma(p1)} − $${moneyComma(dec)}`, p1 - dec, 'money');
      if (p.level === 'moderate') return p2;
      const inc2 = S('Second increase', `${p.up2}% of $${moneyComma(p2)}`, (p2 * p.up2) / 100, 'money');
      return S('September price', `$${moneyComma(p2)} + $${moneyComma(inc2)}`, p2 + inc2, 'money');
    },
  },
  {
    name: 'field-trip',
    gen(r, level) {
      return { level, adults: r.int(4, 12), kids: r.int(38, 140), cap: r.pick([30, 40, 45, 52]), bus: r.pick([275, 320, 410, 450]), pa: r.pick([12, 15, 18]), pk: r.pick([6, 7.5, 8, 9]), where: r.pick(['the science museum', 'the zoo', 'an aquarium', 'a farm', 'the planetarium']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `A school is taking ${p.kids} students and ${p.adults} adults to ${p.where}. Each bus holds ${p.cap} people. How many buses {are needed|does the school need}?`);
      if (p.level === 'moderate') return vary(r, `${p.kids} students and ${p.adults} chaperones are going to ${p.where}. Each bus seats ${p.cap} people and costs $${p.bus} to rent for the day. How much does the school pay for buses?`);
      return vary(r, `A school trip to ${p.where} has ${p.kids} students and ${p.adults} adults. Buses seat ${p.cap} people each and cost $${p.bus} per bus. Tickets are $${moneyComma(p.pa)} per adult and $${moneyComma(p.pk)} per student. {Lunch is packed from home. |}What is the total cost of buses and tickets?`);
    },
    solve(p, S) {
      const people = S('People going', `${p.kids} + ${p.adults}`, p.kids + p.adults);
      const buses = S('Buses', `${fmtN(people)} ÷ ${p.cap}, rounded up`, Math.ceil(people / p.cap - 1e-9));
      if (p.level === 'easy') return buses;
      const busCost = S('Bus cost', `${fmtN(buses)} × $${p.bus}`, buses * p.bus, 'money');
      if (p.level === 'moderate') return busCost;
      const at = S('Adult tickets', `${p.adults} × $${moneyComma(p.pa)}`, p.adults * p.pa, 'money');
      const kt = S('Student tickets', `${p.kids} × $${moneyComma(p.pk)}`, p.kids * p.pk, 'money');
      return S('Total', `$${moneyComma(busCost)} + $${moneyComma(at)} + $${moneyComma(kt)}`, busCost + at + kt, 'money');
    },
  },
  {
    name: 'grades',
    gen(r, level) {
      const scores = Array.from({ length: 4 }, () => r.int(68, 98));
      return { who: r.pick(PEOPLE), level, scores, target: r.pick([85, 88, 90]), hw: r.int(82, 98), quizzes: [r.int(70, 95), r.int(70, 95), r.int(70, 95)], goal: r.pick([85, 88, 90]), subject: r.pick(['chemistry', 'history', 'statistics', 'Spanish', 'biology']) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.who} scored ${p.scores.join(', ')} on four ${p.subject} tests. What is ${p.who}'s average score?`);
      if (p.level === 'moderate') return vary(r, `${p.who} scored ${p.scores.join(', ')} on the first four ${p.subject} tests. What score does ${p.who} need on the fifth test to average ${p.target} across all five tests?`);
      return vary(r, `In ${p.who}'s ${p.subject} class, homework counts 20%, quizzes 30% and the final exam 50% of the grade. ${p.who}'s homework average is ${p.hw}, and the three quiz scores are ${p.quizzes.join(', ')}. What score does ${p.who} need on the final exam to finish with exactly ${p.goal} overall? Round to the nearest hundredth.`);
    },
    solve(p, S) {
      if (p.level === 'easy') {
        const sum = S('Sum of scores', p.scores.join(' + '), p.scores.reduce((a, b) => a + b, 0));
        return S('Average', `${fmtN(sum)} ÷ 4`, sum / 4);
      }
      if (p.level === 'moderate') {
        const need = S('Points needed in total', `${p.target} × 5`, p.target * 5);
        const sum = S('Points so far', p.scores.join(' + '), p.scores.reduce((a, b) => a + b, 0));
        return S('Fifth test score', `${fmtN(need)} − ${fmtN(sum)}`, need - sum);
      }
      const qsum = S('Quiz total', p.quizzes.join(' + '), p.quizzes.reduce((a, b) => a + b, 0));
      const qavg = S('Quiz average', `${fmtN(qsum)} ÷ 3`, Math.round((qsum / 3) * 1e4) / 1e4);
      const hwPart = S('Homework part', `0.2 × ${p.hw}`, 0.2 * p.hw);
      const qPart = S('Quiz part', `0.3 × ${fmtN(qavg)}`, 0.3 * qavg);
      const finalPart = S('Needed from the final', `${p.goal} − ${fmtN(hwPart)} − ${fmtN(qPart)}`, p.goal - hwPart - qPart);
      return S('Final exam score', `${fmtN(finalPart)} ÷ 0.5`, Math.round((finalPart / 0.5) * 100) / 100);
    },
  },
  {
    name: 'interest',
    gen(r, level) {
      return { who: r.pick(PEOPLE), level, p: r.pick([1000, 1500, 2000, 2500, 4000, 5000]), rate: r.pick([2, 3, 4, 5]), t: r.int(2, 5), wd: r.pick([300, 500, 750]) };
    },
    text(p, r) {
      if (p.level === 'easy') return vary(r, `${p.who} puts $${intComma(p.p)} in an account that pays ${p.rate}% simple interest per year. How much is in the account after ${p.t} years?`);
      if (p.level === 'moderate') return vary(r, `${p.who} deposits $${intComma(p.p)} in a savings account that pays ${p.rate}% interest compounded once a year. How much is in the account after 2 years? Round to the nearest cent.`);
      return vary(r, `${p.who} deposits $${intComma(p.p)} at ${p.rate}% interest compounded annually. After two years ${p.who} withdraws $${p.wd}, and leaves the rest in the account for one more year. How much is in the account at the end of the third year? Round to the nearest cent.`);
    },
    solve(p, S) {
      if (p.level === 'easy') {
        const i = S('Interest', `$${intComma(p.p)} × ${p.rate / 100} × ${p.t}`, (p.p * p.rate * p.t) / 100, 'money');
        return S('Balance', `$${intComma(p.p)} + $${moneyComma(i)}`, p.p + i, 'money');
      }
      const i1 = S('Interest in year 1', `$${moneyComma(p.p)} × ${p.rate / 100}`, (p.p * p.rate) / 100, 'money');
      const b1 = S('Balance after year 1', `$${moneyComma(p.p)} + $${moneyComma(i1)}`, p.p + i1, 'money');
      const i2 = S('Interest in year 2', `$${moneyComma(b1)} × ${p.rate / 100}`, (b1 * p.rate) / 100, 'money');
      const b2 = S('Balance after year 2', `$${moneyComma(b1)} + $${moneyComma(i2)}`, b1 + i2, 'money');
      if (p.level === 'moderate') return b2;
      const after = S('After the withdrawal', `$${moneyComma(b2)} − $${p.wd}`, b2 - p.wd, 'money');
      return S('Balance after year 3', `$${moneyComma(after)} × ${1 + p.rate / 100}`, after * (1 + p.rate / 100), 'money');
    },
  },
];

const REASONING_SUFFIX = 'Solve the problem step by step, then give the final answer on its own line as "Answer: <number>".';

function solveWith(fam, p, mistake) {
  const { S, steps } = stepper(mistake);
  const answer = fam.solve(p, S);
  return { steps, answer };
}

function renderReasoning(r, tier, steps, answer, kind) {
  const ans = kind === 'money' ? r.pick([`$${moneyComma(answer)}`, money(answer), moneyComma(answer)]) : fmtN(answer);
  const line = (s) => `${s.label}: ${s.expr} = ${showV(s.value, s.kind)}`;
  if (tier.name === 'cheap') {
    return r.weighted([
      [40, () => `${steps.map((s, i) => `Step ${i + 1}: ${line(s)}`).join('\n')}\n\nAnswer: ${ans}`],
      [30, () => `${steps.map((s) => `${s.expr} = ${showV(s.value, s.kind)}.`).join(' ')} So the answer is ${ans}.`],
      [30, () => `To solve this, we work through it step by step.\n\n${steps.map((s, i) => `${i + 1}. ${line(s)}`).join('\n')}\n\nThe final answer is ${ans}.`],
    ])();
  }
  if (tier.name === 'mid') {
    return r.weighted([
      [55, () => `${steps.map((s) => `- ${line(s)}`).join('\n')}\n\nAnswer: ${ans}`],
      [45, () => `${steps.map((s, i) => `**Step ${i + 1}:** ${line(s)}`).join('\n\n')}\n\n**Answer: ${ans}**`],
    ])();
  }
  return r.weighted([
    [60, () => `I'll work through this step by step.\n\n${steps.map((s) => `**${s.label}**\n${s.expr} = ${showV(s.value, s.kind)}`).join('\n\n')}\n\nAnswer: ${ans}`],
    [40, () => `${steps.map((s, i) => `${i + 1}. ${line(s)}`).join('\n')}\n\nAnswer: ${ans}`],
  ])();
}

function buildReasoning() {
  const r = new Rand('multistep-reasoning');
  const perFamily = { easy: 4, moderate: 6, hard: 5 };
  const out = [];
  for (const fam of FAMILIES) {
    for (const level of DIFFS) {
      for (let i = 0; i < perFamily[level]; i++) {
        // redraw until the answer is sensible (positive; a test score of at most 100)
        let p;
        let solved;
        for (let tries = 0; ; tries++) {
          p = fam.gen(r, level);
          solved = solveWith(fam, p, null);
          const a = solved.answer;
          if (a > 0 && !(fam.name === 'grades' && a > 100) && solved.steps.every((s) => s.value >= 0)) break;
          if (tries > 200) throw new Error(`${fam.name} ${level}: no sensible parameters`);
        }
        const text = fam.text(p, r);
        const { steps, answer } = solved;
        const n = steps.length;
        const derived = n <= 2 ? 'easy' : n <= 4 ? 'moderate' : 'hard';
        if (derived !== level) throw new Error(`${fam.name} ${level}: ${n} steps`);
        const kind = steps[steps.length - 1].kind;
        out.push({ fam, p, text, steps, answer, kind, level, n });
      }
    }
  }
  return r.shuffle(out).map((x, i) => {
    const expected = x.kind === 'money' ? round2(x.answer) : Math.round(x.answer * 100) / 100;
    const item = {
      id: `mr-${String(i + 1).padStart(3, '0')}`,
      prompt: `${x.text}\n\n${REASONING_SUFFIX}`,
      expected,
      graders: [{ type: 'numeric', tolerance: 0.01 }],
      task: 'multistep-reasoning',
      category: x.fam.name,
      tags: [`difficulty:${x.level}`, `steps:${x.n}`],
    };
    return {
      item,
      difficulty: x.level,
      respond(tier, wrong, rr) {
        if (!wrong) return renderReasoning(rr, tier, x.steps, x.answer, x.kind);
        for (let attempt = 0; attempt < 6; attempt++) {
          const stopEarly = x.n >= 2 && rr.chance(0.3);
          if (stopEarly) {
            const shown = x.steps.slice(0, -1);
            const last = shown[shown.length - 1];
            if (Math.abs(last.value - expected) > 0.011) return renderReasoning(rr, tier, shown, last.value, last.kind);
            continue;
          }
          const mistake = { kind: 'slip', step: rr.int(0, x.n - 1), perturb: (v, k) => slipValue(rr, v, k) };
          const res = solveWith(x.fam, x.p, mistake);
          if (Math.abs(res.answer - expected) > 0.011) return renderReasoning(rr, tier, res.steps, res.answer, x.kind);
        }
        const steps = x.steps.map((s, j) => (j === x.steps.length - 1 ? { ...s, value: x.kind === 'money' ? round2(s.value + 10) : s.value + 10 } : s));
        return renderReasoning(rr, tier, steps, steps[steps.length - 1].value, x.kind);
      },
    };
  });
}

// ================================================================ READMEs and main
const SAMPLE_NOTE = `## Recorded responses: SAMPLE DATA

\`recordings/{cheap,mid,frontier}.jsonl\` hold one recorded response per item for each tier of the default
ladder (cheap = \`us.amazon.nova-lite-v1:0\`, mid = \`us.anthropic.claude-haiku-4-5-20251001-v1:0\`,
frontier = \`us.anthropic.claude-sonnet-4-5-20250929-v1:0\`), so that \`tokor eval\` runs offline out of the box.
**They are sample data, not real model outputs**: every line carries \`"sampleData": true\`. They were simulated
by \`scripts/gen-golden.mjs\` to behave like the tiers do: right answers phrased the way models phrase them, wrong
answers that are plausible mistakes, error rates that rise with difficulty and fall with the tier, usage tokens
estimated from the text lengths, latencies typical of each tier, and a self-reported \`confidence\` in [0, 1] that
is higher, on average, for right answers (for the confidence routing pattern). Use them to try the pipeline
(eval → calibrate → gate); to measure your own ladder, run the dataset live with \`tokor eval --tier all
--record\` and the real responses replace them.

Line format (one per item, see docs/datasets.md):
\`{"itemId","tier","model","output","usage":{"inputTokens","outputTokens","cacheReadTokens","cacheWriteTokens"},"latencyMs","confidence","sampleData":true}\``;

const REGEN = `## Regenerating

The items and recordings are written by a deterministic script (seeded, no dependencies):
\`node scripts/gen-golden.mjs\`. Running it twice gives identical files. Edit the templates there, not the JSONL.`;

const diffLine = (s) => `${s.n} items: ${s.byDiff.easy} easy, ${s.byDiff.moderate} moderate, ${s.byDiff.hard} hard (tag \`difficulty:<level>\`).`;

const TRIAGE_README = (s) => `# support-triage

Customer-support tickets to classify into one label of a fixed set: ${LABELS.map((l) => `\`${l}\``).join(', ')}.
Written by us for tokor (no third-party text): tickets for three fictional companies (an online home-goods store,
a music-streaming service and an invoicing SaaS), sent as e-mails, chat messages and contact-form submissions.

${diffLine(s)}

- **easy**: one clear issue in the customer's words ("Please cancel my membership").
- **moderate**: the issue is stated indirectly, or a second topic is mentioned in passing.
- **hard** (also tagged \`ambiguous\`): several issues or misleading keywords, resolved by the precedence rules in the
  system prompt (unauthorized activity is always fraud; a request for money back is refund even when the ticket also
  reports a delivery problem or asks to cancel; otherwise the issue the customer needs acted on).

## Format

The first line is a dataset header: \`datasetId\`, \`description\`, the \`system\` prompt shared by every item (the
label definitions and rules) and the default \`graders\`: \`{"type": "label", "labels": [...]}\` (the first allowed
label found in the answer must equal \`expected\`). Each item: \`id\` (st-001…), \`prompt\` (the ticket), \`expected\`
(the label), \`task\` = \`support-triage\`, \`category\` = the expected label, \`tags\` (difficulty, company).

${SAMPLE_NOTE}

${REGEN}
`;

const EXTRACTION_README = (s) => `# doc-extraction

Business documents as text, to turn into a JSON object with fixed fields. Written by us for tokor: fictional
vendors, merchants and people; four document types (\`category\`):

| category | fields |
|---|---|
| \`invoice\` | invoice_number, vendor_name, customer_name, invoice_date, due_date, currency, subtotal, tax, total |
| \`receipt\` | merchant_name, date, payment_method, card_last4, currency, subtotal, tax, tip, total |
| \`shipping_notice\` | carrier, tracking_number, order_number, ship_date, estimated_delivery, recipient_name, destination_city, destination_postal_code, package_count, weight_kg |
| \`contract\` | provider_name, client_name, effective_date, term_months, monthly_fee, currency, auto_renew, notice_days, governing_law |

${diffLine(s)}

- **easy**: clean, labelled layouts in US/UK formats.
- **moderate**: German and French invoices (decimal commas, local date formats), "Net 30" payment terms to turn into a
  due date, VAT-inclusive receipts, dates without a year, weights in pounds, fees stated per year.
- **hard**: two or more traps at once: previous balances or deposits next to the invoice total, suggested tips next to
  the tip actually written (or a blank tip line), gift-card payments, OCR noise, revised delivery estimates, weights per
  package to add up, contract amendments that change the fee, renewal clauses in the negative.
The traps of each item are in its \`tags\` (e.g. \`net_terms\`, \`revised_eta\`, \`amendment\`).

## Format and grading

The header line sets the \`system\` prompt. Each item's \`prompt\` lists the fields and the rules (ISO dates, plain
numbers, ISO 4217 currency codes, null when absent) followed by the document; \`expected\` is the JSON object. Two
graders per item: \`json-schema\` (the document type's schema: all fields required, types, formats, no extra fields)
and \`json-field-match\` (per-field comparison, score = fraction of fields right, numbers within 0.01, strings
compared case- and punctuation-insensitively). Both must pass; the item score is their mean.

${SAMPLE_NOTE}

${REGEN}
`;

const REASONING_README = (s) => `# multistep-reasoning

Word problems that need 2 to 6 arithmetic steps, with numeric answers. Written by us for tokor from twelve problem
families (\`category\`):
${FAMILIES.map((f) => `\`${f.name}\``).join(', ')}.
Each family has easy, moderate and hard variants with different names, quantities and wording, and some hard variants carry an irrelevant detail.

${diffLine(s)}
The number of steps of the reference solution is in the tag \`steps:<n>\`: easy = 2, moderate = 3–4, hard = 5–6.

## Format and grading

Each item: \`id\` (mr-001…), \`prompt\` (the problem and the instruction to end with "Answer: <number>"),
\`expected\` (the number; money rounded to the cent), \`graders\`: \`{"type": "numeric", "tolerance": 0.01}\` — the final
number of the answer (after "####", a \`\\boxed{}\`, the last "Answer:" cue, or else the last number; "$1,234.50" and "3/4"
are read) must be within 0.01 of \`expected\`.

${SAMPLE_NOTE}

${REGEN}
`;

writeDataset(
  'support-triage',
  { datasetId: 'support-triage', description: 'Customer-support ticket triage into one of eight labels (written for tokor).', system: TRIAGE_SYSTEM, graders: [{ type: 'label', labels: LABELS }] },
  buildTriage(),
  TRIAGE_README,
);
writeDataset('doc-extraction', { datasetId: 'doc-extraction', description: 'Field extraction from invoices, receipts, shipping notices and contracts into JSON (written for tokor).', system: EXTRACT_SYSTEM }, buildExtraction(), EXTRACTION_README);
writeDataset('multistep-reasoning', { datasetId: 'multistep-reasoning', description: 'Multi-step arithmetic word problems with numeric answers (written for tokor).' }, buildReasoning(), REASONING_README, { cheap: 1.1 });
if (INTENT) writeFileSync(INTENT, JSON.stringify(intent));
