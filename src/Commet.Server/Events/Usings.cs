// The event records are used wherever something is recorded; one global using keeps those files' headers as they were.
global using Commet.Server.Events;
