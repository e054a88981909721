import { Command } from 'commander';
import { reportCommand } from '../../../services/cli/commands/report.ts';

// `qrm report …` without the rest of the CLI: the command registered on a bare program, as
// services/cli/main.ts does. Run with `node --import tsx`.

const program = new Command('qrm');
reportCommand(program);
await program.parseAsync(process.argv);
