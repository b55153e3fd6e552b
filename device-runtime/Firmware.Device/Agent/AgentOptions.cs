using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;

namespace Firmware.Device.Agent;

/// <summary>
/// One device: its id, its board (and the directory board.json came from, which firmware sources are
/// relative to), where it keeps its state, and the keys whose packages it accepts.
/// <paramref name="StoreStep"/> is a test seam: called after each durable step of a store change.
/// <paramref name="FirmwareCache"/>: where the firmware library is built once for many simulated
/// devices; each device then loads its own copy (an independent firmware instance).
/// </summary>
public sealed record AgentOptions(
    string Id,
    BoardDefinition Board,
    string BoardDirectory,
    string StateDirectory,
    IReadOnlyList<TrustedKey> TrustedKeys,
    Action<string>? StoreStep = null,
    string? FirmwareCache = null);
