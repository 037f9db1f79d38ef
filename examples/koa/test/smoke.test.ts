import { describe } from 'vitest';
import { smokeTestExample } from '@dango/adapter-contract';
import { createApp } from '../src/app';

describe('examples/koa', () => smokeTestExample(createApp, '/orders/summary'));
