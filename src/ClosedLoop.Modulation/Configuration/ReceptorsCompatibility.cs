// The old option exception of this project is gone: every bad option throws ClosedLoop.Core.Configuration.ConfigException.
// Receptors/ (being reworked into a lever schema on another branch, not edited here) still spells the old name in a
// throw and in doc comments; this alias keeps it compiling until that branch lands. Delete it then.
global using ModulationOptionsException = ClosedLoop.Core.Configuration.ConfigException;
