// Reading list items and table columns out of wikitext, markup stripped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractColumn, extractList, stripMarkup, WikiExtractError } from '../../src/choices/wikitext.ts';
import { apiUrl, requestUrl, wikitextOf, WikiError } from '../../src/choices/wiki.ts';
import { cleanItems } from '../../src/choices/sync.ts';

describe('wiki markup', () => {
  it('strips links, emphasis, templates, tags, references, comments and entities', () => {
    const cases: [string, string][] = [
      ['[[Copper (Cu)|Cu]]', 'Cu'],
      ['[[Copper]]', 'Copper'],
      ['[[Copper]]s', 'Coppers'],
      ['[[Helium (gas)|]]', 'Helium'],
      ['[[:Category:Targets|all targets]]', 'all targets'],
      ['Cu [[File:cu.png|thumb|a [[link]]]]', 'Cu'],
      ['Cu[[Category:Metals]]', 'Cu'],
      ["'''Ti'''", 'Ti'],
      ["''Al'' '''''foil'''''", 'Al foil'],
      ["O'Neil", "O'Neil"],
      ['Al {{citation needed|date=2026}}', 'Al'],
      ['{{flag|{{nested|x}}}} Au', 'Au'],
      ['<span style="color:red">Au</span>', 'Au'],
      ['N<sub>2</sub>', 'N2'],
      ['He<br/>gas', 'He gas'],
      ['Cu<ref>supplier X</ref>', 'Cu'],
      ['Cu<ref name="a"/>', 'Cu'],
      ['Cu <!-- not Ti -->', 'Cu'],
      ['[https://example.org Supplier]', 'Supplier'],
      ['Ti [https://example.org]', 'Ti'],
      ['5&nbsp;&micro;m &amp; more &#x2713; &#8364;', '5 µm & more ✓ €'],
      ['<nowiki>[[literal]]</nowiki>', '[[literal]]'],
      ['  spaced \t out  ', 'spaced out'],
      ['__NOTOC__', ''],
    ];
    for (const [input, output] of cases) assert.equal(stripMarkup(input), output, input);
  });
});

const TARGETS = `Intro with a [[link]] and
* not in a section
== Metals ==
Some text.
* [[Copper (Cu)|Cu]]
* '''Ti''' <!-- titanium -->
* Al {{cn}}
** 5 µm foil (a detail, not an item)
*<span style="color:red">Au</span><ref>supplier X</ref>
* {{only a template}}
* Cu
=== Alloys ===
* Brass
== Gases ==
# He
# [[Argon|Ar]]
# N<sub>2</sub>
{{Infobox
* not an item either
}}
<pre>
* nor this
</pre>
`;

describe('list items', () => {
  it('takes first-level items of the page, in order', () => {
    assert.deepEqual(extractList(TARGETS), ['not in a section', 'Cu', 'Ti', 'Al', 'Au', 'Cu', 'Brass', 'He', 'Ar', 'N2']);
  });

  it('takes the items under a heading, subsections included', () => {
    assert.deepEqual(extractList(TARGETS, 'Metals'), ['Cu', 'Ti', 'Al', 'Au', 'Cu', 'Brass']);
    assert.deepEqual(extractList(TARGETS, ' gases '), ['He', 'Ar', 'N2']);
    assert.deepEqual(extractList(TARGETS, 'Alloys'), ['Brass']);
  });

  it('names a missing section', () => {
    assert.throws(() => extractList(TARGETS, 'Plastics'), (err: unknown) => err instanceof WikiExtractError && /section "Plastics"/.test(err.message));
  });

  it('ignores list lines inside tables', () => {
    assert.deepEqual(extractList('{|\n|\n* inside\n|}\n* outside'), ['outside']);
  });
});

const OPERATORS = `== People ==
{| class="wikitable sortable"
|+ Operators
! Name !! Role !! style="width:10em" | Phone
|-
| [[User:Alice|Alice Smith]] || Laser || 123
|-
| style="background:#eee" | Bob Jones || Target || 456
|-
| colspan="2" | Carol Lee (both)
| 789
|-
|
Dan
Multi
| Diagnostics || {{phone|000}}
|}
== Other ==
{| class="wikitable"
! Gas !! Bottle
|-
| He || 1
|}
`;

describe('table columns', () => {
  it('reads a column by its header (case and markup ignored), with attributes and colspan', () => {
    assert.deepEqual(extractColumn(OPERATORS, 'Name'), ['Alice Smith', 'Bob Jones', 'Carol Lee (both)', 'Dan Multi']);
    assert.deepEqual(extractColumn(OPERATORS, 'role'), ['Laser', 'Target', 'Carol Lee (both)', 'Diagnostics']);
    assert.deepEqual(extractColumn(OPERATORS, 'Phone'), ['123', '456', '789']);
  });

  it('uses the first table that has the column, in the section when one is named', () => {
    assert.deepEqual(extractColumn(OPERATORS, 'Gas'), ['He']);
    assert.deepEqual(extractColumn(OPERATORS, 'Gas', 'Other'), ['He']);
    assert.throws(() => extractColumn(OPERATORS, 'Gas', 'People'), /no table with a column "Gas" in section "People"/);
    assert.throws(() => extractColumn('* no table', 'Gas'), /no table on the page/);
  });

  it('rowspan carries a cell down; header cells may sit one per line; nested tables are skipped', () => {
    const text = `{|
! A
! B
|-
| rowspan="2" | x || 1
|-
| 2
|-
| y || {|
| inner
|}
|}`;
    assert.deepEqual(extractColumn(text, 'A'), ['x', 'x', 'y']);
    assert.deepEqual(extractColumn(text, 'B'), ['1', '2']);
  });
});

describe('MediaWiki Action API answers', () => {
  it('builds the api.php request', () => {
    assert.equal(apiUrl('https://wiki.lab/w').href, 'https://wiki.lab/w/api.php');
    assert.equal(apiUrl('https://wiki.lab/w/').href, 'https://wiki.lab/w/api.php');
    assert.equal(apiUrl('https://wiki.lab/mediawiki/api.php?x=1#y').href, 'https://wiki.lab/mediawiki/api.php');
    const parse = requestUrl({ wikiUrl: 'https://wiki.lab/w', page: 'Lab:Targets & more' });
    assert.equal(parse.searchParams.get('action'), 'parse');
    assert.equal(parse.searchParams.get('page'), 'Lab:Targets & more');
    assert.equal(parse.searchParams.get('prop'), 'wikitext');
    assert.equal(parse.searchParams.get('format'), 'json');
    assert.equal(parse.searchParams.get('formatversion'), '2');
    const query = requestUrl({ wikiUrl: 'https://wiki.lab/w', page: 'P', api: 'query' });
    assert.deepEqual(
      ['action', 'prop', 'rvprop', 'rvslots', 'titles'].map((k) => query.searchParams.get(k)),
      ['query', 'revisions', 'content', 'main', 'P'],
    );
  });

  it('reads both modules in both format versions', () => {
    assert.equal(wikitextOf({ parse: { title: 'P', pageid: 1, wikitext: 'w2' } }, 'P'), 'w2');
    assert.equal(wikitextOf({ parse: { title: 'P', pageid: 1, wikitext: { '*': 'w1' } } }, 'P'), 'w1');
    assert.equal(wikitextOf({ query: { pages: [{ title: 'P', revisions: [{ slots: { main: { content: 'q2' } } }] }] } }, 'P'), 'q2');
    assert.equal(wikitextOf({ query: { pages: { 12: { title: 'P', revisions: [{ slots: { main: { '*': 'q1' } } }] } } } }, 'P'), 'q1');
    assert.equal(wikitextOf({ query: { pages: { 12: { title: 'P', revisions: [{ '*': 'old' }] } } } }, 'P'), 'old');
  });

  it('says what went wrong', () => {
    const fails = (answer: unknown, message: RegExp) => assert.throws(() => wikitextOf(answer, 'P'), (err: unknown) => err instanceof WikiError && message.test(err.message));
    fails({ error: { code: 'missingtitle', info: "The page you specified doesn't exist." } }, /"P" does not exist.*missingtitle/);
    fails({ error: { code: 'readapidenied', info: 'You need read permission.' } }, /readapidenied.*read permission/);
    fails({ query: { pages: [{ title: 'P', missing: true }] } }, /does not exist/);
    fails({ query: { pages: { '-1': { title: 'P', missing: '' } } } }, /does not exist/);
    fails({ query: { pages: [{ title: '<', invalid: true }] } }, /not a valid page title/);
    fails({ batchcomplete: true }, /no wikitext/);
    fails('html', /not a MediaWiki API answer/);
  });

  it('cleans items: duplicates once, overlong ones left out with a warning, none or too many an error', () => {
    assert.deepEqual(cleanItems(['Cu', 'Ti', 'Cu', ' Al\u0007 '], 10), { values: ['Cu', 'Ti', 'Al'], warnings: [] });
    const long = 'x'.repeat(201);
    const r = cleanItems(['Cu', long], 10);
    assert.ok('values' in r && r.values.length === 1 && /longer than 200/.test(r.warnings[0]!));
    assert.match((cleanItems([], 10) as { error: string }).error, /no items/);
    assert.match((cleanItems(['a', 'b', 'c'], 2) as { error: string }).error, /3 items, more than the limit of 2/);
  });
});
