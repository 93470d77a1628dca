import { assertEquals } from "@std/assert";
import { goSprintf } from "./go_sprintf.ts";

Deno.test("goSprintf() formats as Go's fmt.Sprintf does for these verbs", () => {
  const cases: [string, unknown[], string][] = [
    ["%s|%v|%q", ["a", "b", 'c"d'], 'a|b|"c\\"d"'],
    ["%5s|%-5s|%.2s", ["ab", "ab", "abc"], "   ab|ab   |ab"],
    ["%d|%5d|%-5d|%05d|%+d|% d", [42, 42, 42, 42, 42, 42], "42|   42|42   |00042|+42| 42"],
    ["%d|%05d", [-42, -42], "-42|-0042"],
    ["%x|%X|%#x|%o|%b|%x", [255, 255, 255, 8, 5, "hi"], "ff|FF|0xff|10|101|6869"],
    ["%c|%U|%q", [233, 233, 65], "é|U+00E9|'A'"],
    [
      "%f|%.2f|%8.3f|%-8.1f|",
      [3.14159, 3.14159, 3.14159, 3.14159],
      "3.141590|3.14|   3.142|3.1     |",
    ],
    ["%e|%.2E", [123456.789, 0.000123], "1.234568e+05|1.23E-04"],
    ["%g|%g|%g|%g|%.3g", [100000, 1e21, 0.00001, 1.5, 3.14159], "100000|1e+21|1e-05|1.5|3.14"],
    ["%t|%v|%v", [true, false, null], "true|false|"],
    ["%v|%v", [[1, "a"], { k: 1 }], '[1,"a"]|{"k":1}'],
    ["%*d|%-*d|%.*f", [4, 7, 3, 7, 1, 2.26], "   7|7  |2.3"],
    ["100%%|%5%", [], "100%|    %"],
    ["%d", ["x"], "%!d(string=x)"],
    ["%d", [1.5], "%!d(float64=1.5)"],
    ["%t", [1], "%!t(float64=1)"],
    ["%d", [null], "%!d(<nil>)"],
    ["%z", [1], "%!z(float64=1)"],
    ["%d %s", [1], "1 %!s(MISSING)"],
    ["%d", [1, "x", null], "1%!(EXTRA string=x, <nil>)"],
    ["end %", [], "end %!(NOVERB)"],
    ["%s", [12], "12"],
    ["%f|%g", [Infinity, NaN], "+Inf|NaN"],
  ];
  for (const [format, args, expected] of cases) {
    assertEquals(goSprintf(format, args), expected, format);
  }
});
