import test from 'ava';
import { escapeHtml, renderHtml } from './render-html';
import { HOSTILE, sampleReport } from './report-testing';

test('html is self-contained and escapes what operators typed', (t) => {
  const html = renderHtml(sampleReport()).toString('utf8');
  t.regex(html, /<title>测试报表<\/title>/);
  t.false(html.includes('<script'), 'no script element at all');
  t.true(html.includes(escapeHtml(HOSTILE)));
  t.true(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  t.false(/(src|href)=/i.test(html), 'nothing fetched from outside');
  t.regex(html, /Content-Security-Policy" content="default-src 'none'/);
});

test('html escapes the title and filters too, and says when there are no rows', (t) => {
  const html = renderHtml(sampleReport({ title: '<b>报表</b>', filters: [['用户', HOSTILE]], rows: [] })).toString('utf8');
  t.false(html.includes('<b>'));
  t.false(html.includes('<script'));
  t.regex(html, /无数据/);
});
