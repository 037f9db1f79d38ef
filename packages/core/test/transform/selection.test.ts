import { describe, expect, it } from 'vitest';
import { nodesFor } from '../../src/transform/execute/run-command';
import { selectNodes } from '../../src/transform/graph/selection';
import { parseFiles, thrown } from './parse-helpers';

// raw_shop.orders -> stg_orders -> orders -> finance_report
//                   stg_items  -> orders;   stg_items -> items_report (tag:reporting)
const g = parseFiles({
  'models/sources.yml': 'sources:\n  - name: shop\n    tables:\n      - name: orders\n      - name: items\n  - name: crm\n    tables:\n      - name: people\n',
  'models/staging/stg_orders.sql': "select * from {{ source('shop', 'orders') }}",
  'models/staging/stg_items.sql': "select * from {{ source('shop', 'items') }}",
  'models/staging/stg_people.sql': "select * from {{ source('crm', 'people') }}",
  'models/marts/orders.sql': "select * from {{ ref('stg_orders') }} join {{ ref('stg_items') }} using (id)",
  'models/marts/finance_report.sql': "{{ config(tags=['reporting', 'finance']) }}select * from {{ ref('orders') }}",
  'models/marts/items_report.sql': "{{ config(tags=['reporting']) }}select * from {{ ref('stg_items') }}",
  'models/marts/props.yml': 'models:\n  - name: orders\n    columns:\n      - name: id\n        tests: [unique]\n',
});

const models = (select?: string[], exclude?: string[]) => nodesFor(g, 'run', { select, exclude }).map((n) => n.name).sort();

describe('selection', () => {
  it('selects by name, with descendants (name+), ancestors (+name) and both (+name+)', () => {
    expect(models(['orders'])).toEqual(['orders']);
    expect(models(['orders+'])).toEqual(['finance_report', 'orders']);
    expect(models(['+orders'])).toEqual(['orders', 'stg_items', 'stg_orders']);
    expect(models(['+orders+'])).toEqual(['finance_report', 'orders', 'stg_items', 'stg_orders']);
    expect(models(['stg_items+1'])).toEqual(['items_report', 'orders', 'stg_items']);
  });

  it('selects @name: the model, its descendants and all their ancestors', () => {
    expect(models(['@stg_items'])).toEqual(['finance_report', 'items_report', 'orders', 'stg_items', 'stg_orders']);
    expect(models(['@finance_report'])).toEqual(['finance_report', 'orders', 'stg_items', 'stg_orders']);
  });

  it('selects downstream of a source, by tag, by path and by glob', () => {
    expect(models(['source:shop+'])).toEqual(['finance_report', 'items_report', 'orders', 'stg_items', 'stg_orders']);
    expect(models(['source:shop.orders+'])).toEqual(['finance_report', 'orders', 'stg_orders']);
    expect(models(['tag:reporting'])).toEqual(['finance_report', 'items_report']);
    expect(models(['path:models/staging'])).toEqual(['stg_items', 'stg_orders', 'stg_people']);
    expect(models(['models/marts/orders.sql'])).toEqual(['orders']);
    expect(models(['stg_*'])).toEqual(['stg_items', 'stg_orders', 'stg_people']);
  });

  it('unions space-separated selectors and removes excludes', () => {
    expect(models(['stg_people tag:finance'])).toEqual(['finance_report', 'stg_people']);
    expect(models(['stg_people', 'stg_items'])).toEqual(['stg_items', 'stg_people']);
    expect(models(['source:shop+'], ['tag:reporting'])).toEqual(['orders', 'stg_items', 'stg_orders']);
    expect(models(undefined, ['path:models/marts'])).toEqual(['stg_items', 'stg_orders', 'stg_people']);
    expect(models(['tag:reporting,tag:finance'])).toEqual(['finance_report']);
  });

  it('picks the tests of selected models for test and build', () => {
    expect(nodesFor(g, 'test', { select: ['orders'] }).map((n) => n.name)).toEqual(['unique_orders_id']);
    expect(nodesFor(g, 'test', { select: ['stg_people'] })).toEqual([]);
    expect(nodesFor(g, 'build', { select: ['orders'] }).map((n) => n.resource_type)).toEqual(['model', 'test']);
  });

  it('returns nothing for a selector that matches nothing, and refuses unknown methods', () => {
    expect(selectNodes(g, ['no_such_model']).size).toBe(0);
    expect(thrown(() => selectNodes(g, ['color:blue'])).message).toMatch(/Unknown selector method 'color:'/);
  });
});
