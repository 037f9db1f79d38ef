import type { AnyRoute } from '../route';
import { catalogRoutes } from './catalog-routes';
import { dbtRoutes } from './dbt-routes';
import { fileRoutes } from './file-routes';
import { healthRoutes } from './health-routes';
import { logRoutes } from './log-routes';
import { modelDetailsRoutes } from './model-details-routes';
import { scheduleRoutes } from './schedule-routes';
import { sourceRoutes } from './source-routes';

/** Every endpoint of the API reference, in documentation order. */
export const ROUTES: readonly AnyRoute[] = [...healthRoutes, ...sourceRoutes, ...scheduleRoutes, ...fileRoutes, ...dbtRoutes, ...logRoutes, ...modelDetailsRoutes, ...catalogRoutes];
