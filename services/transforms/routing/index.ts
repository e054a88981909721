export { exampleRoutesFile, formatProblem, loadRoutes, parseRoutes, RoutesError, type Problem } from './load.ts';
export { matches, route, type Delivery, type WarningToRoute } from './route.ts';
export { channels, regionLevels, routesSchema, type Channel, type Match, type Recipient, type Route, type Routes, type Timing } from './schema.ts';
