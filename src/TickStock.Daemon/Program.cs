// The daemon alone (`dotnet TickStock.Daemon.dll`); `tickstock run` starts the same host.
return await TickStock.Daemon.DaemonHost.RunAsync(args).ConfigureAwait(false);
