// Leaks that are not ours, for the sanitizer build of the tests. LeakSanitizer
// asks every binary for this function; in other builds nothing calls it.
//   libxtb 6.5.1 never frees the messages on an environment's error stack
//   (allocated in xtb_type_environment::error, kept after xtb_getError and
//   xtb_delEnvironment): each libxtb error the tests provoke leaks ~100 bytes.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() { return "leak:__xtb_type_environment_MOD_error\n"; }
