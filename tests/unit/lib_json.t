#!/usr/bin/env bash
# lib_json.t - tests/lib.sh's jfield reads JSON with a real parser: raw numbers, escapes, nesting, no match.
. "$(dirname "$0")/../lib.sh"

# is WANT JSON KEY: jfield KEY on JSON prints exactly WANT and returns 0.
is() { local got; got=$(jfield "$3" <<<"$2") && [ "$got" = "$1" ]; }

is 3.1415926535897931 '{"method": "midpoint", "pi": 3.1415926535897931, "check": "pass"}' pi
ok $? "a double is printed as written (%.17g), not re-rounded"
is 18446744073709551615 '{"seed": 18446744073709551615}' seed
ok $? "a 64-bit integer is printed exactly"
is 8.8058000000000003e-05 '{"seconds": 8.8058000000000003e-05, "seconds_median": 1}' seconds
ok $? "an exponent is kept; seconds is not seconds_median"
is 'say "hi", then go' '{"cmd": "say \"hi\", then go", "n": 1}' cmd
ok $? "a string is decoded: escaped quotes and a comma inside it"
is processes '{"lesson":"processes","world":2}' lesson && is 2 '{"lesson":"processes","world":2}' world
ok $? "compact JSON (no space after the colon), as workshop prints it"
is false '{"layout_independent": false, "x": null}' layout_independent && is null '{"x": null}' x
ok $? "true/false/null printed as in JSON"
is top '{"git": "top", "build": {"git": "nested"}}' git
ok $? "a top-level key wins over a nested one after it"
is 0.9.0 '{"method": "midpoint", "build": {"version": "0.9.0", "git": "cf338a7"}}' version
ok $? "a key found only nested (build.version)"
is 5 "$(printf 'pi midpoint: a warning\n{"hits": 5}\n')" hits
ok $? "the first line that is a JSON object, when the whole input is not one"
is 7 "$(printf '{\n  "hits": 7,\n  "check": "pass"\n}\n')" hits
ok $? "a JSON object over several lines"
out=$(jfield check <<<'{"pi": 3.14}'); rc=$?
[ $rc -eq 1 ] && [ -z "$out" ]
ok $? "a missing key prints nothing and returns 1"
out=$(jfield build <<<'{"build": {"git": "x"}}'); rc=$?
[ $rc -eq 1 ] && [ -z "$out" ]
ok $? "an object value is not a scalar: nothing, status 1"
out=$(jfield pi <<<'pi 3.14'); rc=$?
[ $rc -eq 1 ] && [ -z "$out" ]
ok $? "text that is not JSON: nothing, status 1"
done_testing
