using Fwctl;

return Cli.Run(args);
