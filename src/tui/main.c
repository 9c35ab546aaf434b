/* Placeholder: the command line arrives in this issue. */
#include <stdio.h>

int
main(void)
{
	puts("bttui " BTTUI_VERSION);
	return 0;
}
