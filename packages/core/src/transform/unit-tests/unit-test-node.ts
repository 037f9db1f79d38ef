import type { BaseNode } from '../graph/nodes';
import type { GivenProps, RowsSpec, UnitTestProps } from './unit-test-props';

/** One given input resolved to the node it stands for. */
export interface GivenInput extends GivenProps {
  /** unique_id of the model, seed, snapshot or source it replaces (the tested model itself for `this`). */
  node: string;
  kind: 'ref' | 'source' | 'this';
}

/** A dbt 1.8 unit test: the model rendered over given rows, compared with expected rows. */
export interface UnitTestNode extends BaseNode {
  resource_type: 'unit_test';
  /** The tested model's name. */
  model: string;
  given: GivenInput[];
  expect: RowsSpec;
  overrides: UnitTestProps['overrides'];
}
