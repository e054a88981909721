#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx's loader: one code path for development, CI and the
// container image, and no build step a newcomer can forget.
import { register } from 'tsx/esm/api';

register();
await import('../services/cli/main.ts');
