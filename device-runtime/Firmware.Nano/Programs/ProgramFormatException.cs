using System;

namespace Firmware.Nano.Programs;

/// <summary>Input that is not a valid program or map set; the message is for users (same wording as the host's).</summary>
public sealed class ProgramFormatException : Exception
{
    public ProgramFormatException(string message) : base(message) { }
}
