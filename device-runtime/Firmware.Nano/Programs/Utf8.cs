namespace Firmware.Nano.Programs;

/// <summary>UTF-8 to string for names in a package; nanoFramework's mscorlib has no text encodings. Malformed sequences become U+FFFD.</summary>
public static class Utf8
{
    public static string Decode(byte[] data, int start, int length)
    {
        var chars = new char[length * 2];
        int count = 0, end = start + length;
        for (int i = start; i < end;)
        {
            int b = data[i];
            int extra = b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
            int code = extra == 0 ? b : extra == 1 ? b & 0x1f : extra == 2 ? b & 0x0f : b & 0x07;
            bool valid = extra >= 0 && i + extra < end;
            for (int k = 1; valid && k <= extra; k++)
            {
                if ((data[i + k] & 0xc0) != 0x80) valid = false;
                else code = (code << 6) | (data[i + k] & 0x3f);
            }
            if (!valid)
            {
                chars[count++] = '\uFFFD';
                i++;
                continue;
            }
            i += extra + 1;
            if (code >= 0x10000)
            {
                code -= 0x10000;
                chars[count++] = (char)(0xd800 + (code >> 10));
                chars[count++] = (char)(0xdc00 + (code & 0x3ff));
            }
            else chars[count++] = (char)code;
        }
        return new string(chars, 0, count);
    }
}
