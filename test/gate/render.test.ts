import { describe, expect, it } from 'vitest';
import { gateJson, renderGateJunit, renderGateMarkdown, renderGateTable } from '../../src/gate/render.js';
import { evaluateGate } from '../../src/gate/verdict.js';
import { gatePolicy, item, routeAllTo, routing, rule, table } from './builders.js';

/**
 * A minimal, strict XML reader: balanced tags, quoted attributes, only the five
 * predefined entities and numeric references, no raw '<' or '&' in text.
 */
interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}
function parseXml(xml: string): XmlNode {
  const unescapeXml = (s: string): string => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(s)) throw new Error(`bad entity in ${s}`);
    return s
      .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  };
  let pos = 0;
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  while (pos < body.length) {
    const lt = body.indexOf('<', pos);
    const text = lt === -1 ? body.slice(pos) : body.slice(pos, lt);
    if (text.includes('>')) throw new Error(`raw > in text near ${pos}`);
    stack[stack.length - 1]!.text += unescapeXml(text);
    if (lt === -1) break;
    const gt = body.indexOf('>', lt);
    if (gt === -1) throw new Error('unclosed tag');
    const tag = body.slice(lt + 1, gt);
    pos = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop()!;
      if (open.name !== tag.slice(1)) throw new Error(`</${tag.slice(1)}> closes <${open.name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*\/?$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag}>`);
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) attrs[a[1]!] = unescapeXml(a[2]!);
    const node: XmlNode = { name: m[1]!, attrs, children: [], text: '' };
    stack[stack.length - 1]!.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('expected one root element');
  return root.children[0]!;
}

const items = [
  ...Array.from({ length: 20 }, (_, i) => item(`r${i}`, '001', { category: 'refunds' })),
  ...Array.from({ length: 80 }, (_, i) => item(`o${i}`, '111', { category: 'other' })),
];
const nasty = 'pay<ments> & "co" \'quoted\' \u0001';
const failing = evaluateGate(
  {
    policy: gatePolicy({
      source: 'a&b <policy>.yaml',
      routing: routing({ thresholds: [0, 0] }),
      global: rule('global', { barMode: 'absolute', floor: 0.7 }),
      scopes: [rule(nasty, { match: { category: ['refunds'] }, barMode: 'absolute', floor: 0.5 }), rule('ghost', { match: { team: ['none'] } })],
    }),
    table: table(items),
  },
  { minSavings: 99 },
  routeAllTo,
);

describe('renderGateJunit', () => {
  it('is well-formed XML with one testcase per scope and check, failures carrying their message', () => {
    const xml = renderGateJunit(failing);
    const suites = parseXml(xml);
    expect(suites.name).toBe('testsuites');
    expect(suites.attrs).toMatchObject({ tests: '4', failures: '2', skipped: '1' });
    const suite = suites.children[0]!;
    expect(suite.attrs.name).toBe('tokor gate: a&b <policy>.yaml');
    const cases = suite.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => c.attrs.classname)).toEqual(['tokor.gate.global', `tokor.gate.pay<ments> & "co" 'quoted' `, 'tokor.gate.ghost', 'tokor.gate.savings']);
    const failure = cases[1]!.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.message).toMatch(/^scope pay<ments> & "co" 'quoted' : pass-rate lower bound 0\.000 < floor 0\.5 \(−50\.0 pts/);
    expect(failure.text).toContain('pass rate 0.000');
    expect(cases[2]!.children[0]!.name).toBe('skipped');
    expect(cases[3]!.attrs.name).toBe('min-savings');
    expect(cases[3]!.children[0]!.name).toBe('failure');
    expect(cases[0]!.children.map((c) => c.name)).toEqual(['system-out']);
    // control characters XML cannot carry are dropped, not escaped into invalid references
    expect(xml).not.toMatch(/[\u0001]|&#1;/);
  });

  it('is rejected by the reader when broken (the reader is not lenient)', () => {
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow();
    expect(() => parseXml('<a>1 < 2</a>')).toThrow();
  });
});

describe('renderGateMarkdown', () => {
  it('leads with the verdict, lists failures and keeps table cells intact', () => {
    const md = renderGateMarkdown(failing);
    expect(md.split('\n')[0]).toBe('### ❌ tokor gate failed');
    expect(md).toContain('**Failing:**');
    const row = md.split('\n').find((l) => l.startsWith('| pay'))!;
    // 8 columns: the scope's own characters cannot add cells or HTML
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(8);
    expect(row).toContain('pay&lt;ments&gt;');
    expect(md).toContain('⚠️ scope ghost matched no golden item');
  });

  it('shows before → after against a base policy', () => {
    const t = table(items);
    const v = evaluateGate(
      { policy: gatePolicy({ routing: routing({ thresholds: [1, 1] }) }), base: gatePolicy({ source: 'main', routing: routing({ thresholds: [2, 2] }) }), table: t },
      {},
      routeAllTo,
    );
    const md = renderGateMarkdown(v);
    expect(md).toContain('against base `main`');
    expect(md).toContain('| Savings vs all-frontier | 0.0% | 80.0% | +80.0 pts |');
    expect(md).toContain('| Share on mid | 0.0% | 100.0% | +100.0 pts |');
    expect(md).toContain('| Pass rate | 1.000 | 0.800 | −20.0 pts |');
    // the scope table gains the base's bound and savings
    expect(md).toContain('| Scope | n | Measure | Lower bound before | Lower bound | Floor | Margin | Savings before | Savings vs all-frontier | Result |');
    expect(md).toMatch(/\| global \| 100 \| parity \| 0\.\d{3} \| 0\.\d{3} \(95%\) \| 0\.95 \| −\d+\.\d pts \| 0\.0% \| 80\.0% \| ❌ \|/);
  });
});

describe('gateJson and the table', () => {
  it('reports the documented keys; the measure the floor bounds is quality/qualityLower', () => {
    const j = gateJson(failing);
    expect(j.schemaVersion).toBe(1);
    expect(j.pass).toBe(false);
    expect(j.scopes.map((s) => s.scope)).toEqual(['global', nasty, 'ghost']);
    const pay = j.scopes[1]!;
    expect(pay).toMatchObject({ n: 20, measure: 'pass-rate', quality: 0, qualityLower: 0, floor: 0.5, pass: false, margin: -0.5 });
    expect(j.scopes[2]).toMatchObject({ n: 0, quality: null, qualityLower: null, margin: null, pass: true, status: 'empty' });
    expect(j.savings.checks[0]).toMatchObject({ check: 'min-savings', pass: false, limit: 99 });
    expect(j.base).toBeUndefined();
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  it('prints a verdict line and each failing scope in the terminal table', () => {
    const text = renderGateTable(failing, 200);
    expect(text.split('\n')[0]).toMatch(/^tokor gate: FAIL — 2 checks failed/);
    // The control character in the scope name is shown as an escape, never printed raw.
    expect(text).toContain(`FAIL scope ${nasty.replace('\u0001', '\\x01')}: pass-rate lower bound 0.000 < floor 0.5`);
    expect(text).not.toContain('\u0001');
    expect(text).toContain('warning: scope ghost matched no golden item');
  });
});
