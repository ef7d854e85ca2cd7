/* Found only through faas-merge -I. */
#define BAR_TAG "Bar:"
