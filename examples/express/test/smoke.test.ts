import { describe } from 'vitest';
import { smokeTestExample } from '@dango/adapter-contract';
import { createApp } from '../src/app';

describe('examples/express', () => smokeTestExample(createApp, '/orders/summary'));
