/* ff_dump.c -- placeholder */
int main(void) { return 0; }
