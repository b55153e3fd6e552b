using Fwagent;

return AgentCommand.Run(args);
